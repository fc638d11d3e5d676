/**
 * reduce on the GPU: sum, max and min over the middle axis of [outer, n, inner], in passes of
 * chunks ([outer, n, inner] → [outer, ceil(n / CHUNK), inner] → ... → [outer, 1, inner]) where
 * every invocation folds one chunk in order. A long contiguous axis (inner 1) is first folded by
 * whole workgroups (WG_CHUNK elements each, read in stride, then a tree in workgroup memory).
 * Sums are compensated (each pass carries its rounding error `lo` beside the sum `hi`, added by
 * TwoSum), so that float32 on the GPU comes within the tolerance of the reference's float64 sums.
 */
import type { F32, Kernels, ReduceOp } from "@kerno/core/backends/kernels.js";
import { f32, type Gpu, u32 } from "../gpu.js";
import { bindings, flatKernel, grid, IS_NAN } from "../wgsl.js";

/** Elements (or partial results) one invocation folds per pass. */
export const CHUNK = 64;
/** Elements one workgroup of the contiguous reduce folds per pass. */
const WG_CHUNK = 256 * 16;
/** The shortest contiguous axis reduced by workgroups (shorter ones fold one chunk per invocation). */
const WG_MIN = 1024;

/** The outputs of a chunk pass (its flatKernel count), one per (o, c, j). */
export const CHUNK_COUNT = "p.outer * p.m * p.inner";
/** The start of a chunk pass: (o, c, j) of output i, and the chunk [start, end) of the middle axis. */
export const CHUNK_RANGE = /* wgsl */ `
  let j = i % p.inner;
  let c = (i / p.inner) % p.m;
  let o = i / (p.inner * p.m);
  let start = c * p.chunk;
  let end = min(p.n, start + p.chunk);
`;

/** The passes over the middle axis: `pass(input, n, chunk, m, last)` gives the next input. */
export function inPasses<T>(n: number, first: T, pass: (cur: T, n: number, chunk: number, m: number, last: boolean) => T): T {
  let cur = first;
  let len = n;
  for (;;) {
    const last = len <= CHUNK;
    const chunk = last ? Math.max(1, len) : CHUNK;
    const m = last ? 1 : Math.ceil(len / CHUNK);
    cur = pass(cur, len, chunk, m, last);
    if (last) return cur;
    len = m;
  }
}

/** max and min as a fold of v into acc (NaN wins); infinity comes in the params (WGSL rejects it as a constant). */
const EXTREMUM = {
  max: { start: "-p.inf", take: "if (isNan(v) || (!isNan(acc) && v > acc)) { acc = v; }" },
  min: { start: "p.inf", take: "if (isNan(v) || (!isNan(acc) && v < acc)) { acc = v; }" },
};

/** WGSL adding v (and its carried error `carried`, if any) into the compensated sum hi + lo. */
const addInto = (v: string, carried: string | null) => `{
    let v = ${v};
    let s = hi + v;
    let bv = s - hi;
    lo += (hi - (s - bv)) + (v - bv)${carried ? ` + ${carried}` : ""};
    hi = s;
  }`;

/** The arrays of a pass: x (and the carried errors of a sum past the first pass), y (and its errors unless last). */
const passArrays = (sum: boolean, first: boolean, last: boolean): [string[], string[]] => [
  ["xs: array<f32>", ...(sum && !first ? ["los: array<f32>"] : [])],
  ["ys: array<f32>", ...(sum && !last ? ["outLo: array<f32>"] : [])],
];

/** The write of a sum's result: hi + lo when last, else renormalized into ys and outLo. */
const writeSum = (at: string, last: boolean) =>
  last ? `ys[${at}] = hi + lo;` : `let total = hi + lo;\n  ys[${at}] = total;\n  outLo[${at}] = lo - (total - hi);`;

/** A chunk pass: invocation i folds chunk c of the line (o, j). */
function chunkShader(op: ReduceOp, first: boolean, last: boolean): string {
  const sum = op === "sum";
  const body = sum
    ? `var hi = 0.0;
  var lo = 0.0;
  for (var k = start; k < end; k++) {
    let at = (o * p.n + k) * p.inner + j;
    ${addInto("xs[at]", first ? null : "los[at]")}
  }
  ${writeSum("i", last)}`
    : `var acc = ${EXTREMUM[op].start};
  for (var k = start; k < end; k++) {
    let v = xs[(o * p.n + k) * p.inner + j];
    ${EXTREMUM[op].take}
  }
  ys[i] = acc;`;
  const [reads, writes] = passArrays(sum, first, last);
  return flatKernel({
    params: "outer: u32, n: u32, inner: u32, chunk: u32, m: u32, inf: f32",
    reads,
    writes,
    helpers: IS_NAN,
    count: CHUNK_COUNT,
    body: `${CHUNK_RANGE}
  ${body}`,
  });
}

/**
 * A contiguous pass (inner 1, never the last): workgroup w folds elements [c * chunk, (c + 1) *
 * chunk) of row o (w = o * m + c), each invocation every 256th of them, then the 256 partial
 * results as a tree.
 */
function rowsShader(op: ReduceOp, first: boolean): string {
  const sum = op === "sum";
  const fold = sum
    ? `var hi = 0.0;
  var lo = 0.0;
  for (var k = start + t; k < end; k += 256u) ${addInto("xs[o * p.n + k]", first ? null : "los[o * p.n + k]")}
  partHi[t] = hi;
  partLo[t] = lo;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride >>= 1u) {
    if (t < stride) {
      let a = partHi[t];
      let b = partHi[t + stride];
      let s = a + b;
      let bb = s - a;
      partLo[t] = partLo[t] + partLo[t + stride] + ((a - (s - bb)) + (b - bb));
      partHi[t] = s;
    }
    workgroupBarrier();
  }
  if (t == 0u && o < p.outer) {
    hi = partHi[0];
    lo = partLo[0];
    ${writeSum("w", false)}
  }`
    : `var acc = ${EXTREMUM[op].start};
  for (var k = start + t; k < end; k += 256u) { acc = fold(acc, xs[o * p.n + k]); }
  partHi[t] = acc;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride >>= 1u) {
    if (t < stride) { partHi[t] = fold(partHi[t], partHi[t + stride]); }
    workgroupBarrier();
  }
  if (t == 0u && o < p.outer) { ys[w] = partHi[0]; }`;
  return /* wgsl */ `
struct Params { outer: u32, n: u32, chunk: u32, m: u32, inf: f32 }
${bindings(...passArrays(sum, first, false))}
var<workgroup> partHi: array<f32, 256>;
${sum ? "var<workgroup> partLo: array<f32, 256>;" : ""}
${IS_NAN}
${sum ? "" : `fn fold(a: f32, v: f32) -> f32 {\n  var acc = a;\n  ${EXTREMUM[op].take}\n  return acc;\n}`}
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let w = wid.x + wid.y * groups.x;
  let o = w / p.m;
  let start = (w % p.m) * p.chunk;
  let end = select(start, min(p.n, start + p.chunk), o < p.outer);
  ${fold}
}
`;
}

export function reduceKernel(gpu: Gpu): Pick<Kernels, "reduce"> {
  return {
    reduce(op: ReduceOp, x: F32, outer: number, n: number, inner: number): F32 {
      const sum = op === "sum";
      /** The partial results: values, and for a sum their carried errors (null before the first pass). */
      let cur: { ys: F32; lo: F32 | null } = { ys: x, lo: null };
      const outputs = (length: number, last: boolean) => Array.from({ length: sum && !last ? 2 : 1 }, () => ({ dtype: "float32" as const, length }));
      const next = (out: F32[]) => ({ ys: out[0], lo: out[1] ?? null });
      let len = n;
      // long contiguous rows: workgroup passes until they are short
      while (inner === 1 && len >= WG_MIN && outer > 0) {
        const m = Math.ceil(len / WG_CHUNK);
        const first: boolean = cur.lo === null;
        cur = next(
          gpu.run({
            label: `reduce ${op} rows`,
            code: rowsShader(op, first || !sum),
            inputs: sum && !first ? [cur.ys, cur.lo!] : [cur.ys],
            outputs: outputs(outer * m, false),
            params: [u32(outer), u32(len), u32(WG_CHUNK), u32(m), f32(Number.POSITIVE_INFINITY)],
            workgroups: grid(outer * m, 1),
          }) as F32[],
        );
        len = m;
      }
      return inPasses(len, cur, ({ ys, lo }, len, chunk, m, last) =>
        next(
          gpu.run({
            label: `reduce ${op}`,
            code: chunkShader(op, lo === null, last),
            inputs: lo ? [ys, lo] : [ys],
            outputs: outputs(outer * m * inner, last),
            params: [u32(outer), u32(len), u32(inner), u32(chunk), u32(m), f32(Number.POSITIVE_INFINITY)],
            workgroups: grid(outer * m * inner),
          }) as F32[],
        ),
      ).ys;
    },
  };
}
