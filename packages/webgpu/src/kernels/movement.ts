/**
 * Data movement on the GPU (any dtype): every element is one 4-byte word there, so the shaders
 * move u32 words and never interpret them. transpose, slice, flip, pad and tile are one "view"
 * shader: each output coordinate maps to a source coordinate through a small i32 input `dims`
 * (per axis: output size, source size, source stride, shift); concat copies up to 7 inputs a
 * pass; gather and scatterAdd (gather.ts) index along an axis with the indices as an input.
 */
import type { Kernels } from "@kerno/core/backends/kernels.js";
import { dtypeOf, type TypedArray } from "@kerno/core/tensor/dtype.js";
import { type Shape, sizeOf, stridesOf } from "@kerno/core/tensor/shape.js";
import { type Gpu, i32, u32 } from "../gpu.js";
import { flatKernel, grid } from "../wgsl.js";
import { gatherKernels } from "./gather.js";
import type { KernelGroup } from "./index.js";

/**
 * out[c] = x[offset + sum(s_d * stride_d)] where s_d = c_d - shift_d (or c_d % size_d when
 * `wrap`), and the fill word where some s_d falls outside the source.
 */
const VIEW_WGSL = flatKernel({
  params: "n: u32, rank: u32, offset: i32, wrap: u32, fill: u32",
  reads: ["xs: array<u32>", "dims: array<i32>"],
  writes: ["ys: array<u32>"],
  body: /* wgsl */ `  var rest = i;
  var src = p.offset;
  var inside = true;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let at = u32(d) * 4u;
    let size = u32(dims[at]);
    let c = i32(rest % size);
    rest = rest / size;
    let extent = dims[at + 1u];
    var s = c - dims[at + 3u];
    if (p.wrap != 0u) { s = c % extent; }
    inside = inside && s >= 0 && s < extent;
    src += s * dims[at + 2u];
  }
  if (inside) { ys[i] = xs[u32(src)]; } else { ys[i] = p.fill; }`,
});

/**
 * A batch of 2-D transposes ([b, rows, cols] → [b, cols, rows]) through 16 x 16 tiles in workgroup
 * memory, so that both the reads and the writes run along rows.
 */
const TRANSPOSE_TILED_WGSL = /* wgsl */ `
struct Params { rows: u32, cols: u32 }
@group(0) @binding(0) var<storage, read> xs: array<u32>;
@group(0) @binding(1) var<storage, read_write> ys: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;
var<workgroup> tile: array<u32, ${16 * 17}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let r = wid.y * 16u + lid.y;
  let c = wid.x * 16u + lid.x;
  if (r < p.rows && c < p.cols) { tile[lid.y * 17u + lid.x] = xs[(wid.z * p.rows + r) * p.cols + c]; }
  workgroupBarrier();
  let outRow = wid.x * 16u + lid.y;
  let outCol = wid.y * 16u + lid.x;
  if (outRow < p.cols && outCol < p.rows) { ys[(wid.z * p.cols + outRow) * p.rows + outCol] = tile[lid.x * 17u + lid.y]; }
}
`;

/**
 * A transpose as a batch of 2-D ones, [batch, rows, cols], when it is one: axes of size 1 are
 * dropped and runs of input axes that stay together are merged, leaving perm [1, 0] or [0, 2, 1].
 */
function batchOf2d(shape: Shape, perm: readonly number[]): [number, number, number] | null {
  const inputAxes = shape.map((_, a) => a).filter((a) => shape[a] !== 1);
  const pos = (a: number) => inputAxes.indexOf(a);
  const runs: number[][] = [];
  for (const a of perm) {
    if (shape[a] === 1) continue;
    const run = runs.at(-1);
    if (run && pos(a) === pos(run[run.length - 1]) + 1) run.push(a);
    else runs.push([a]);
  }
  const sizes = runs.map((run) => run.reduce((n, a) => n * shape[a], 1));
  const order = runs.map((_, k) => k).sort((k, l) => pos(runs[k][0]) - pos(runs[l][0]));
  if (runs.length === 2 && order[0] === 1) return [1, sizes[1], sizes[0]];
  if (runs.length === 3 && order[0] === 0 && order[1] === 2) return [sizes[0], sizes[2], sizes[1]];
  return null;
}

/** The workgroups of a tiled transpose of [batch, rows, cols]. */
const grid2d = ([batch, rows, cols]: readonly number[]): number[] => [Math.ceil(cols / 16), Math.ceil(rows / 16), batch];

interface Axis {
  size: number;
  from: number;
  stride: number;
  shift: number;
}

/** The bits of `value` stored as x's dtype (as a typed array's fill would store it), as a u32 word. */
function fillWord(x: TypedArray, value: number): number {
  if (x instanceof Float32Array) return new Uint32Array(Float32Array.of(value).buffer)[0];
  if (x instanceof Int32Array) return Int32Array.of(value)[0] >>> 0;
  return Uint8Array.of(value)[0];
}

export const movementKernels: KernelGroup = (gpu: Gpu): Pick<Kernels, "transpose" | "slice" | "pad" | "concat" | "gather" | "scatterAdd" | "tile" | "flip"> => {
  const view = (label: string, x: TypedArray, axes: readonly Axis[], offset = 0, wrap = false, fill = 0): TypedArray => {
    const n = sizeOf(axes.map((a) => a.size));
    const dims = Int32Array.from(axes.flatMap((a) => [a.size, a.from, a.stride, a.shift]));
    return gpu.run({
      label,
      code: VIEW_WGSL,
      inputs: [x, dims],
      outputs: [{ dtype: dtypeOf(x), length: n }],
      params: [u32(n), u32(axes.length), i32(offset), u32(wrap ? 1 : 0), u32(fill)],
      workgroups: grid(n),
    })[0];
  };
  /** Axes that read the source at coordinate c * stride (plus an offset): transpose, slice, flip. */
  const strided = (sizes: Shape, strides: readonly number[]): Axis[] => sizes.map((size, d) => ({ size, from: size, stride: strides[d], shift: 0 }));

  return {
    transpose(x, shape, perm) {
      const tiled = batchOf2d(shape, perm);
      if (tiled && Math.max(...grid2d(tiled)) <= 65535) {
        const [, rows, cols] = tiled;
        return gpu.run({
          label: "transpose tiled",
          code: TRANSPOSE_TILED_WGSL,
          inputs: [x],
          outputs: [{ dtype: dtypeOf(x), length: x.length }],
          params: [u32(rows), u32(cols)],
          workgroups: grid2d(tiled),
        })[0];
      }
      const strides = stridesOf(shape);
      return view(
        "transpose",
        x,
        strided(
          perm.map((p) => shape[p]),
          perm.map((p) => strides[p]),
        ),
      );
    },
    slice(x, shape, begin, size) {
      const strides = stridesOf(shape);
      const offset = begin.reduce((sum, b, d) => sum + b * strides[d], 0);
      return view("slice", x, strided(size, strides), offset);
    },
    flip(x, shape, axes) {
      const strides = stridesOf(shape);
      let offset = 0;
      const steps = strides.map((s, d) => {
        if (!axes.includes(d)) return s;
        offset += (shape[d] - 1) * s;
        return -s;
      });
      return view("flip", x, strided(shape, steps), offset);
    },
    pad(x, shape, paddings, value) {
      const strides = stridesOf(shape);
      const axes = shape.map((from, d) => ({ size: from + paddings[d][0] + paddings[d][1], from, stride: strides[d], shift: paddings[d][0] }));
      return view("pad", x, axes, 0, false, fillWord(x, value));
    },
    tile(x, shape, reps) {
      const strides = stridesOf(shape);
      return view(
        "tile",
        x,
        shape.map((from, d) => ({ size: from * reps[d], from, stride: strides[d], shift: 0 })),
        0,
        true,
      );
    },
    concat: (xs, shapes, axis) => concat(gpu, xs, shapes, axis),
    ...gatherKernels(gpu),
  };
};

/** Inputs a concat pass reads besides the previous pass's output (8 storage buffers in all). */
const CONCAT_GROUP = 6;

/**
 * A concat pass over k inputs: output element (o, c) is input t's (o, c - start_t) when column c
 * is one of its, else the previous pass's (when `previous`).
 */
function concatShader(k: number, previous: boolean): string {
  const fields = Array.from({ length: k }, (_, t) => `s${t}: u32, c${t}: u32`).join(", ");
  const inputs = Array.from({ length: k }, (_, t) => `x${t}: array<u32>`);
  const picks = Array.from({ length: k }, (_, t) => `  if (c >= p.s${t} && c < p.s${t} + p.c${t}) { ys[i] = x${t}[o * p.c${t} + c - p.s${t}]; return; }`);
  return flatKernel({
    params: `n: u32, row: u32, ${fields}`,
    reads: previous ? [...inputs, "prev: array<u32>"] : inputs,
    writes: ["ys: array<u32>"],
    body: /* wgsl */ `  let o = i / p.row;
  let c = i % p.row;
${picks.join("\n")}
${previous ? "  ys[i] = prev[i];" : ""}`,
  });
}

function concat(gpu: Gpu, xs: readonly TypedArray[], shapes: readonly Shape[], axis: number): TypedArray {
  const outer = sizeOf(shapes[0].slice(0, axis));
  const chunks = shapes.map((s) => sizeOf(s.slice(axis)));
  const starts = chunks.map((_, t) => chunks.slice(0, t).reduce((a, b) => a + b, 0));
  const row = chunks.reduce((a, b) => a + b, 0);
  const n = outer * row;
  let out: TypedArray | null = null;
  // the first pass takes one input more (it has no previous output to bind)
  for (let first = 0; first < xs.length; ) {
    const k = Math.min(xs.length - first, out ? CONCAT_GROUP : CONCAT_GROUP + 1);
    const group = Array.from({ length: k }, (_, t) => first + t);
    out = gpu.run({
      label: "concat",
      code: concatShader(k, out !== null),
      inputs: [...group.map((t) => xs[t]), ...(out ? [out] : [])],
      outputs: [{ dtype: dtypeOf(xs[0]), length: n }],
      params: [u32(n), u32(row), ...group.flatMap((t) => [u32(starts[t]), u32(chunks[t])])],
      workgroups: grid(n),
    })[0];
    first += k;
  }
  return out!;
}
