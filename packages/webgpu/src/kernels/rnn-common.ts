/**
 * What the recurrent kernels share: a strided matrix product (the input projection and the
 * parameter gradients), column sums (the bias gradient), and a packing pass that puts up to three
 * small arrays end to end in one buffer (a shader sees at most 8 storage buffers, and the per-step
 * shaders need many small ones). Their activations are unary.ts's FUSED_ACTIVATION_WGSL.
 */

import type { MatView } from "@kerno/core/backends/js/gemm.js";
import { GATES } from "@kerno/core/backends/js/rnn.js";
import type { F32, RnnSpec } from "@kerno/core/backends/kernels.js";
import { type Gpu, u32 } from "../gpu.js";
import { bindings, flatKernel, grid, MAX_GROUPS } from "../wgsl.js";

/** A layer's sizes: batch B, steps T, features F, units U, the gates' width GU and the rows BT. */
export function sizesOf(s: RnnSpec) {
  const { kind, batch: B, steps: T, features: F, units: U } = s;
  return { kind, B, T, F, U, GU: GATES[kind] * U, BT: B * T };
}

/** A stand-in for an absent (null) array: bound but never read (its shader checks a flag). */
export const none = (): F32 => new Float32Array(1);

const PACK = flatKernel({
  params: "n0: u32, n1: u32, n2: u32, present: u32",
  reads: ["s0: array<f32>", "s1: array<f32>", "s2: array<f32>"],
  writes: ["out: array<f32>"],
  count: "p.n0 + p.n1 + p.n2",
  body: /* wgsl */ `  var v = 0.0;
  if (i < p.n0) {
    if ((p.present & 1u) != 0u) { v = s0[i]; }
  } else if (i < p.n0 + p.n1) {
    if ((p.present & 2u) != 0u) { v = s1[i - p.n0]; }
  } else if ((p.present & 4u) != 0u) {
    v = s2[i - p.n0 - p.n1];
  }
  out[i] = v;`,
});

/** Up to three segments end to end: each an array's values, or zeros where the array is null. */
export function pack(gpu: Gpu, segments: readonly [F32 | null, number][]): F32 {
  const parts = [0, 1, 2].map((i) => segments[i] ?? [null, 0]);
  const n = parts.reduce((s, [, len]) => s + len, 0);
  const present = parts.reduce((bits, [a], i) => bits | (a ? 1 << i : 0), 0);
  return gpu.run({
    label: "rnn pack",
    code: PACK,
    inputs: parts.map(([a]) => a ?? none()),
    outputs: [{ dtype: "float32", length: n }],
    params: [u32(parts[0][1]), u32(parts[1][1]), u32(parts[2][1]), u32(present)],
    workgroups: grid(n),
  })[0] as F32;
}

/** A stored [rows, cols] matrix, or the transpose of a stored [cols, rows] one, as js/gemm.ts's view (with a leading dimension). */
export const operand = (data: F32, rows: number, cols: number, transposed: boolean, offset = 0, ld = transposed ? rows : cols): MatView =>
  transposed ? { data, offset, rowStride: 1, colStride: ld } : { data, offset, rowStride: ld, colStride: 1 };

const TILE = 16;
const GEMM = /* wgsl */ `
struct Params { m: u32, n: u32, k: u32, aOff: u32, aRow: u32, aCol: u32, bOff: u32, bRow: u32, bCol: u32 }
${bindings(["a: array<f32>", "b: array<f32>"], ["c: array<f32>"])}
var<workgroup> ta: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> tb: array<array<f32, ${TILE}>, ${TILE}>;
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let row = (wg.y + wg.z * groups.y) * ${TILE}u + l.y;
  let col = wg.x * ${TILE}u + l.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < p.k; k0 += ${TILE}u) {
    var av = 0.0;
    var bv = 0.0;
    if (row < p.m && k0 + l.x < p.k) { av = a[p.aOff + row * p.aRow + (k0 + l.x) * p.aCol]; }
    if (col < p.n && k0 + l.y < p.k) { bv = b[p.bOff + (k0 + l.y) * p.bRow + col * p.bCol]; }
    ta[l.y][l.x] = av;
    tb[l.y][l.x] = bv;
    workgroupBarrier();
    for (var kk = 0u; kk < ${TILE}u; kk++) { acc += ta[l.y][kk] * tb[kk][l.x]; }
    workgroupBarrier();
  }
  if (row < p.m && col < p.n) { c[row * p.n + col] = acc; }
}
`;

/** C[m, n] = A[m, k] B[k, n], a new row-major array. */
export function gemm(gpu: Gpu, m: number, n: number, k: number, A: MatView, B: MatView): F32 {
  const rowTiles = Math.ceil(m / TILE);
  const y = Math.min(rowTiles, MAX_GROUPS);
  return gpu.run({
    label: "rnn gemm",
    code: GEMM,
    inputs: [A.data, B.data],
    outputs: [{ dtype: "float32", length: m * n }],
    params: [m, n, k, A.offset, A.rowStride, A.colStride, B.offset, B.rowStride, B.colStride].map(u32),
    workgroups: [Math.ceil(n / TILE), y, y === 0 ? 0 : Math.ceil(rowTiles / y)],
  })[0] as F32;
}

const COLUMN_SUMS = flatKernel({
  params: "rows: u32, cols: u32",
  reads: ["x: array<f32>"],
  writes: ["out: array<f32>"],
  index: "j",
  count: "p.cols",
  body: /* wgsl */ `  var s = 0.0;
  for (var r = 0u; r < p.rows; r++) { s += x[r * p.cols + j]; }
  out[j] = s;`,
});

/** The sums of the columns of x [rows, cols], row after row in f32 (the reference's order). */
export function columnSums(gpu: Gpu, x: F32, rows: number, cols: number): F32 {
  return gpu.run({
    label: "rnn column sums",
    code: COLUMN_SUMS,
    inputs: [x],
    outputs: [{ dtype: "float32", length: cols }],
    params: [u32(rows), u32(cols)],
    workgroups: grid(cols),
  })[0] as F32;
}
