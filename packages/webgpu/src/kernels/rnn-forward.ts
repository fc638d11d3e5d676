/**
 * The forward pass of a whole recurrent layer (js/rnn.ts's rnnForward): one product for the input
 * projection of every step, then one dispatch per step in which each (batch, unit) invocation
 * forms its gates' recurrent sums from the previous state and writes the new state into the
 * step's rows of hs (and cs, and the gate cache). The previous state is the previous step's rows
 * of hs / cs (h0 / c0 at the first step): a masked step copies it, so those rows always hold it.
 */
import { GATES } from "@kerno/core/backends/js/rnn.js";
import type { F32, FusedActivation, Kernels, RnnKind, RnnSaved } from "@kerno/core/backends/kernels.js";
import { type Gpu, u32 } from "../gpu.js";
import { flatKernel, floatArrays, grid } from "../wgsl.js";
import { gemm, operand, pack, sizesOf } from "./rnn-common.js";
import { act, FUSED_ACTIVATION_WGSL } from "./unary.js";

/** Each kind's gate arithmetic for unit u of row `row`, from inp(g) and rec(g), writing hs (and cs, cache). */
function cell(kind: RnnKind, a: FusedActivation, ra: FusedActivation): string {
  if (kind === "simple") return `hs[row * p.U + u] = ${act(a, "inp(0u) + rec0")};`;
  if (kind === "lstm")
    return /* wgsl */ `
    let i = ${act(ra, "inp(0u) + rec0")};
    let f = ${act(ra, "inp(1u) + rec1")};
    let g = ${act(a, "inp(2u) + rec2")};
    let o = ${act(ra, "inp(3u) + rec3")};
    let c = f * cPrev(b, u) + i * g;
    cs[row * p.U + u] = c;
    hs[row * p.U + u] = o * ${act(a, "c")};
    let k = row * 4u * p.U + u;
    cache[k] = i;
    cache[k + p.U] = f;
    cache[k + 2u * p.U] = g;
    cache[k + 3u * p.U] = o;`;
  return /* wgsl */ `
    let z = ${act(ra, "inp(0u) + rec0 + recBias(0u)")};
    let r = ${act(ra, "inp(1u) + rec1 + recBias(1u)")};
    let hzh = rec2 + recBias(2u);
    let hh = ${act(a, "inp(2u) + r * hzh")};
    let k = row * 4u * p.U + u;
    cache[k] = z;
    cache[k + p.U] = r;
    cache[k + 2u * p.U] = hh;
    cache[k + 3u * p.U] = hzh;
    hs[row * p.U + u] = z * hPrev(b, u) + (1.0 - z) * hh;`;
}

function stepShader(kind: RnnKind, a: FusedActivation, ra: FusedActivation): string {
  const G = GATES[kind];
  const lstm = kind === "lstm";
  const gates = Array.from({ length: G }, (_, g) => g);
  // flags: 1 bias, 2 mask, 4 recurrent mask; aux: bias (biasLen) | mask [B, T] | recMask [B, U]
  return flatKernel({
    params: "B: u32, T: u32, U: u32, t: u32, flags: u32, maskOff: u32, recOff: u32",
    reads: floatArrays(["xw", "R", "aux", "h0", ...(lstm ? ["c0"] : [])]),
    writes: floatArrays(["hs", ...(lstm ? ["cs"] : []), ...(kind === "simple" ? [] : ["cache"])]),
    index: "n",
    count: "p.B * p.U",
    helpers: /* wgsl */ `${FUSED_ACTIVATION_WGSL}
fn hPrev(b: u32, k: u32) -> f32 {
  if (p.t == 0u) { return h0[b * p.U + k]; }
  return hs[(b * p.T + p.t - 1u) * p.U + k];
}
${
  lstm
    ? `fn cPrev(b: u32, k: u32) -> f32 {
  if (p.t == 0u) { return c0[b * p.U + k]; }
  return cs[(b * p.T + p.t - 1u) * p.U + k];
}`
    : ""
}
fn bias(j: u32) -> f32 { return select(0.0, aux[j], (p.flags & 1u) != 0u); }
fn recBias(g: u32) -> f32 { return bias(${G}u * p.U + g * p.U + uu); }
var<private> xrow: u32;
var<private> uu: u32;
fn inp(g: u32) -> f32 { return xw[xrow + g * p.U + uu] + bias(g * p.U + uu); }`,
    body: /* wgsl */ `  let b = n / p.U;
  let u = n % p.U;
  let row = b * p.T + p.t;
  xrow = row * ${G}u * p.U;
  uu = u;
  if ((p.flags & 2u) != 0u && aux[p.maskOff + row] == 0.0) {
    hs[row * p.U + u] = hPrev(b, u);
    ${lstm ? "cs[row * p.U + u] = cPrev(b, u);" : ""}
    ${kind === "simple" ? "" : "for (var g = 0u; g < 4u; g++) { cache[row * 4u * p.U + g * p.U + u] = 0.0; }"}
    return;
  }
  ${gates.map((g) => `var rec${g} = 0.0;`).join("\n  ")}
  let recMasked = (p.flags & 4u) != 0u;
  for (var k = 0u; k < p.U; k++) {
    var h = hPrev(b, k);
    if (recMasked) { h = h * aux[p.recOff + b * p.U + k]; }
    let r = k * ${G}u * p.U + u;
    ${gates.map((g) => `rec${g} += h * R[r + ${g}u * p.U];`).join("\n    ")}
  }
  ${cell(kind, a, ra)}`,
  });
}

/** The kernel table's rnnForward on `gpu`. */
export function rnnForward(gpu: Gpu, ...[s, x, W, R, bias, h0, c0, mask, recMask]: Parameters<Kernels["rnnForward"]>): RnnSaved {
  const { kind, B, T, F, U, GU, BT } = sizesOf(s);
  if (T === 0 || B === 0 || U === 0) {
    return {
      hs: new Float32Array(BT * U),
      cs: kind === "lstm" ? new Float32Array(BT * U) : null,
      cache: kind === "simple" ? null : new Float32Array(BT * 4 * U),
    };
  }
  const xw = gemm(gpu, BT, GU, F, operand(x, BT, F, false), operand(W, F, GU, false));
  const biasLen = bias ? bias.length : 0;
  const aux = pack(gpu, [
    [bias, biasLen],
    [mask, mask ? BT : 0],
    [recMask, recMask ? B * U : 0],
  ]);
  const flags = (bias ? 1 : 0) | (mask ? 2 : 0) | (recMask ? 4 : 0);
  const code = stepShader(kind, s.activation, s.recurrentActivation);
  const inputs = [xw, R, aux, h0, ...(kind === "lstm" ? [c0 ?? new Float32Array(B * U)] : [])];
  let state: F32[] = [];
  const lengths = [BT * U, ...(kind === "lstm" ? [BT * U] : []), ...(kind === "simple" ? [] : [BT * 4 * U])];
  for (let t = 0; t < T; t++) {
    const outputs = gpu.run({
      label: `rnnForward ${kind} step`,
      code,
      inputs,
      inouts: t === 0 ? [] : state,
      outputs: t === 0 ? lengths.map((length) => ({ dtype: "float32", length })) : [],
      params: [B, T, U, t, flags, biasLen, biasLen + (mask ? BT : 0)].map(u32),
      workgroups: grid(B * U),
    }) as F32[];
    if (t === 0) state = outputs;
  }
  const [hs, second, third] = state;
  if (kind === "simple") return { hs, cs: null, cache: null };
  if (kind === "lstm") return { hs, cs: second, cache: third };
  return { hs, cs: null, cache: second };
}
