/**
 * The backward pass of a whole recurrent layer (js/rnn.ts's rnnBackward): one dispatch per step,
 * last step first, with one workgroup per batch row. Its invocations first form the gate
 * gradients of the step's row (dz, kept for all steps) from the carried dh (+ this step's dhs) and
 * the cache, leaving the direct part of dh_prev in dh; after a storage barrier, each adds its
 * units' recurrent part dz_h R^T (times the recurrent mask). Then three products give dW, dR and
 * dx from all steps' dz at once, and column sums of dz give db.
 *
 * dz is [B*T, GU], or for the GRU [B*T, 6U]: the input-side gate gradients (z, r, h) and then the
 * recurrent-side ones (z, r, h*r), so that dW, dR and db read plain column blocks of it.
 */
import { GATES } from "@kerno/core/backends/js/rnn.js";
import type { F32, FusedActivation, Kernels, RnnGrads, RnnKind } from "@kerno/core/backends/kernels.js";
import { type Gpu, u32 } from "../gpu.js";
import { bindings, flatKernel, floatArrays, grid } from "../wgsl.js";
import { columnSums, gemm, operand, pack, sizesOf } from "./rnn-common.js";
import { act, dact, FUSED_ACTIVATION_WGSL } from "./unary.js";

const GROUP = 64;

/** Each kind's gate gradients for unit u of row `row` from d (dh + dhs), writing dz and the direct part of dh (and dc). */
function cellGrad(kind: RnnKind, a: FusedActivation, ra: FusedActivation): string {
  if (kind === "simple")
    return /* wgsl */ `
      dz[z] = d * ${dact(a, "hs[row * p.U + u]")};
      dh[bu] = 0.0;`;
  if (kind === "lstm")
    return /* wgsl */ `
      let k = row * 4u * p.U + u;
      let i = cache[k];
      let f = cache[k + p.U];
      let g = cache[k + 2u * p.U];
      let o = cache[k + 3u * p.U];
      let tc = ${act(a, "cs[row * p.U + u]")};
      var cprev = aux[p.firstOff + bu];
      if (p.t > 0u) { cprev = cs[(row - 1u) * p.U + u]; }
      let dct = dc[bu] + d * o * ${dact(a, "tc")};
      dz[z] = dct * g * ${dact(ra, "i")};
      dz[z + p.U] = dct * cprev * ${dact(ra, "f")};
      dz[z + 2u * p.U] = dct * i * ${dact(a, "g")};
      dz[z + 3u * p.U] = d * tc * ${dact(ra, "o")};
      dc[bu] = dct * f;
      dh[bu] = 0.0;`;
  return /* wgsl */ `
      let k = row * 4u * p.U + u;
      let zg = cache[k];
      let r = cache[k + p.U];
      let hh = cache[k + 2u * p.U];
      let hzh = cache[k + 3u * p.U];
      var hprev = aux[p.firstOff + bu];
      if (p.t > 0u) { hprev = hs[(row - 1u) * p.U + u]; }
      let daz = d * (hprev - hh) * ${dact(ra, "zg")};
      let dah = d * (1.0 - zg) * ${dact(a, "hh")};
      let dar = dah * hzh * ${dact(ra, "r")};
      dz[z] = daz;
      dz[z + p.U] = dar;
      dz[z + 2u * p.U] = dah;
      dz[z + 3u * p.U] = daz;
      dz[z + 4u * p.U] = dar;
      dz[z + 5u * p.U] = dah * r;
      dh[bu] = d * zg;`;
}

function stepShader(kind: RnnKind, a: FusedActivation, ra: FusedActivation): string {
  const G = GATES[kind];
  const width = kind === "gru" ? 6 : G;
  const reads = ["dhs", ...(kind === "lstm" ? ["cs"] : ["hs"]), ...(kind === "simple" ? [] : ["cache"]), "R", "aux"];
  const writes = ["dh", ...(kind === "lstm" ? ["dc"] : []), "dz"];
  return /* wgsl */ `
// flags: 2 mask, 4 recurrent mask; aux: mask [B, T] | recMask [B, U] (at recOff) | h0 or c0 (at firstOff)
struct Params { B: u32, T: u32, U: u32, t: u32, flags: u32, recOff: u32, firstOff: u32 }
${bindings(floatArrays(reads), floatArrays(writes))}
${FUSED_ACTIVATION_WGSL}
@compute @workgroup_size(${GROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) l: u32) {
  let b = wg.x + wg.y * groups.x;
  let row = b * p.T + p.t;
  let stride = ${width}u * p.U;
  if (b < p.B) {
    let masked = (p.flags & 2u) != 0u && aux[row] == 0.0;
    for (var u = l; u < p.U; u += ${GROUP}u) {
      let bu = b * p.U + u;
      let d = dh[bu] + dhs[row * p.U + u];
      let z = row * stride + u;
      if (masked) {
        for (var g = 0u; g < ${width}u; g++) { dz[z + g * p.U] = 0.0; }
        dh[bu] = d;
        continue;
      }${cellGrad(kind, a, ra)}
    }
  }
  storageBarrier();
  if (b < p.B) {
    // the recurrent side's gradients: the last G*U of the row (all of it but for the GRU)
    let zh = row * stride + ${width - G}u * p.U;
    for (var u = l; u < p.U; u += ${GROUP}u) {
      var s = 0.0;
      for (var j = 0u; j < ${G}u * p.U; j++) { s += dz[zh + j] * R[u * ${G}u * p.U + j]; }
      if ((p.flags & 4u) != 0u) { s = s * aux[p.recOff + b * p.U + u]; }
      dh[b * p.U + u] += s;
    }
  }
}
`;
}

/** The state each step's recurrent product saw: hs of the step before (h0 first), times the recurrent mask. */
const PREVIOUS_STATES = flatKernel({
  params: "B: u32, T: u32, U: u32, flags: u32, recOff: u32",
  reads: ["hs: array<f32>", "h0: array<f32>", "aux: array<f32>"],
  writes: ["out: array<f32>"],
  count: "p.B * p.T * p.U",
  body: /* wgsl */ `  let row = i / p.U;
  let u = i % p.U;
  let b = row / p.T;
  var h = h0[b * p.U + u];
  if (row % p.T > 0u) { h = hs[i - p.U]; }
  if ((p.flags & 4u) != 0u) { h = h * aux[p.recOff + b * p.U + u]; }
  out[i] = h;`,
});

/** The kernel table's rnnBackward on `gpu`. */
export function rnnBackward(gpu: Gpu, ...[s, dhs, dcT, x, W, R, bias, h0, c0, mask, recMask, saved]: Parameters<Kernels["rnnBackward"]>): RnnGrads {
  const { kind, B, T, F, U, GU, BT } = sizesOf(s);
  const lstm = kind === "lstm";
  const BU = B * U;
  const width = kind === "gru" ? 6 * U : GU;
  const first = kind === "lstm" ? c0 : kind === "gru" ? h0 : null;
  const aux = pack(gpu, [
    [mask, mask ? BT : 0],
    [recMask, recMask ? BU : 0],
    [first, first ? BU : 0],
  ]);
  const recOff = mask ? BT : 0;
  const flags = (mask ? 2 : 0) | (recMask ? 4 : 0);
  const dh = pack(gpu, [[null, BU]]);
  const dc: F32 | null = lstm ? pack(gpu, [[dcT, BU]]) : null;
  let dz: F32 = new Float32Array(0);
  const code = stepShader(kind, s.activation, s.recurrentActivation);
  const reads = [dhs, ...(lstm ? [saved.cs!] : [saved.hs]), ...(kind === "simple" ? [] : [saved.cache!]), R, aux];
  for (let t = T - 1; t >= 0; t--) {
    const state = lstm ? [dh, dc!] : [dh];
    const made = gpu.run({
      label: `rnnBackward ${kind} step`,
      code,
      inputs: reads,
      inouts: t === T - 1 ? state : [...state, dz],
      outputs: t === T - 1 ? [{ dtype: "float32", length: BT * width }] : [],
      params: [B, T, U, t, flags, recOff, recOff + (recMask ? BU : 0)].map(u32),
      workgroups: grid(B, 1), // a workgroup per batch row
    }) as F32[];
    if (t === T - 1) dz = made[0];
  }
  const hp = gpu.run({
    label: "rnnBackward previous states",
    code: PREVIOUS_STATES,
    inputs: [saved.hs, h0, aux],
    outputs: [{ dtype: "float32", length: BT * U }],
    params: [B, T, U, flags, recOff].map(u32),
    workgroups: grid(BT * U),
  })[0] as F32;
  const dzx = operand(dz, BT, GU, false, 0, width);
  const dzh = operand(dz, BT, GU, false, width - GU, width);
  const dW = gemm(gpu, F, GU, BT, operand(x, F, BT, true), dzx);
  const dR = gemm(gpu, U, GU, BT, operand(hp, U, BT, true), dzh);
  const dx = gemm(gpu, BT, F, GU, dzx, operand(W, GU, F, true));
  const db = bias ? columnSums(gpu, dz, BT, width) : null;
  return { dx, dW, dR, db, dh0: dh, dc0: dc };
}
