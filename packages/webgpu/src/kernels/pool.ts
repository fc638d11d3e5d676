/**
 * Max and average pooling over NHWC windows on the GPU, with their gradients. The gradients are
 * gathers: each input cell loops over the outputs whose windows hold it, in the reference's order
 * of outputs, so that nothing races and the sums add up as the TypeScript kernels do.
 */
import type { F32, Kernels, Pool2dGeometry } from "@kerno/core/backends/kernels.js";
import type { TypedArray } from "@kerno/core/tensor/dtype.js";
import { f32, type Gpu, i32, type Param, u32 } from "../gpu.js";
import { flatKernel, grid, pixelOf, WORKGROUP } from "../wgsl.js";

/** The geometry's uniform block (params in this order); `negInf` is -Infinity, which WGSL cannot write. */
const POOL_PARAMS = `n: u32, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, negInf: f32,`;
const poolParams = (g: Pool2dGeometry, n: number): Param[] => [
  u32(n),
  ...[g.inH, g.inW, g.channels, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft].map(i32),
  f32(-Infinity),
];

/**
 * The output cell (b, oy, ox, c) of flat index i, and its window clipped to the input: rows
 * [y0, y1), columns [x0, x1).
 */
const OUTPUT_WINDOW = /* wgsl */ `
  let c = i32(i % u32(p.channels));${pixelOf("i / u32(p.channels)", ["b", "oy", "ox"], "p.outH", "p.outW")}
  let ys = oy * p.strideH - p.padTop;
  let xs = ox * p.strideW - p.padLeft;
  let y0 = max(ys, 0);
  let y1 = min(ys + p.kH, p.inH);
  let x0 = max(xs, 0);
  let x1 = min(xs + p.kW, p.inW);`;

/**
 * The input cell (b, iy, ix, c) of flat index i, and the outputs whose windows hold it: rows
 * [oy0, oy1], columns [ox0, ox1] (empty when oy1 < oy0 or ox1 < ox0). Each output o there has its
 * flat index `o` and its window's cell count `count`.
 */
const INPUT_COVER = /* wgsl */ `
  let c = i32(i % u32(p.channels));${pixelOf("i / u32(p.channels)", ["b", "iy", "ix"], "p.inH", "p.inW")}
  let oy0 = firstCover(iy + p.padTop, p.kH, p.strideH);
  let oy1 = min((iy + p.padTop) / p.strideH, p.outH - 1);
  let ox0 = firstCover(ix + p.padLeft, p.kW, p.strideW);
  let ox1 = min((ix + p.padLeft) / p.strideW, p.outW - 1);`;

/** The first output whose window [o*stride, o*stride + k) holds the padded position `at`. */
const FIRST_COVER = /* wgsl */ `
fn firstCover(at: i32, k: i32, stride: i32) -> i32 {
  let lo = at - k + 1;
  return select((lo + stride - 1) / stride, 0, lo <= 0);
}`;

/** A pool kernel: one cell i per invocation, with its geometry (POOL_PARAMS) and firstCover. */
const poolKernel = (reads: string[], writes: string[], body: string): string => flatKernel({ params: POOL_PARAMS, reads, writes, helpers: FIRST_COVER, body });

const MAX_POOL = poolKernel(
  ["x: array<f32>"],
  ["y: array<f32>"],
  /* wgsl */ `${OUTPUT_WINDOW}
  var best = p.negInf;
  for (var iy = y0; iy < y1; iy++) {
    for (var ix = x0; ix < x1; ix++) {
      let v = x[((b * p.inH + iy) * p.inW + ix) * p.channels + c];
      if (v > best) { best = v; }
    }
  }
  y[i] = best;`,
);

/** Each output's first maximal cell (a flat index of x), or -1 for an empty window. */
const ARGMAX = poolKernel(
  ["x: array<f32>"],
  ["where_: array<i32>"],
  /* wgsl */ `${OUTPUT_WINDOW}
  var best = p.negInf;
  var at = -1;
  for (var iy = y0; iy < y1; iy++) {
    for (var ix = x0; ix < x1; ix++) {
      let src = ((b * p.inH + iy) * p.inW + ix) * p.channels + c;
      let v = x[src];
      if (v > best || at < 0) { best = v; at = src; }
    }
  }
  where_[i] = at;`,
);

/**
 * maxPool2d and each output's argmax as conv2dMaxPoolArgmax gives it: the window cell (row-major
 * over the whole kH x kW window) of the first value equal to the maximum, 255 where none is.
 */
const MAX_POOL_ARGMAX = poolKernel(
  ["x: array<f32>"],
  ["y: array<f32>", "argmax: array<u32>"],
  /* wgsl */ `${OUTPUT_WINDOW}
  var best = p.negInf;
  var cell = 255u;
  for (var iy = y0; iy < y1; iy++) {
    for (var ix = x0; ix < x1; ix++) {
      let v = x[((b * p.inH + iy) * p.inW + ix) * p.channels + c];
      if (v > best || (cell == 255u && v == best)) { best = v; cell = u32((iy - ys) * p.kW + ix - xs); }
    }
  }
  y[i] = best;
  argmax[i] = cell;`,
);

/** dx: the sum of dy over the outputs whose argmax is this cell of their window. */
const MAX_POOL_ARGMAX_GRAD = poolKernel(
  ["dy: array<f32>", "argmax: array<u32>"],
  ["dx: array<f32>"],
  /* wgsl */ `${INPUT_COVER}
  var sum = 0.0;
  for (var oy = oy0; oy <= oy1; oy++) {
    for (var ox = ox0; ox <= ox1; ox++) {
      let o = ((b * p.outH + oy) * p.outW + ox) * p.channels + c;
      let cell = u32((iy + p.padTop - oy * p.strideH) * p.kW + ix + p.padLeft - ox * p.strideW);
      if (argmax[o] == cell) { sum += dy[o]; }
    }
  }
  dx[i] = sum;`,
);

/** dx: the sum of dy over the outputs whose first maximal cell this is; with relu, zero where !(x > 0). */
const maxPoolGradShader = (relu: boolean) =>
  poolKernel(
    ["dy: array<f32>", "where_: array<i32>", ...(relu ? ["x: array<f32>"] : [])],
    ["dx: array<f32>"],
    /* wgsl */ `${INPUT_COVER}
  var sum = 0.0;
  ${relu ? "if (!(x[i] > 0.0)) { dx[i] = 0.0; return; }" : ""}
  for (var oy = oy0; oy <= oy1; oy++) {
    for (var ox = ox0; ox <= ox1; ox++) {
      let o = ((b * p.outH + oy) * p.outW + ox) * p.channels + c;
      if (where_[o] == i32(i)) { sum += dy[o]; }
    }
  }
  dx[i] = sum;`,
  );

const AVG_POOL = poolKernel(
  ["x: array<f32>"],
  ["y: array<f32>"],
  /* wgsl */ `${OUTPUT_WINDOW}
  var sum = 0.0;
  for (var iy = y0; iy < y1; iy++) {
    for (var ix = x0; ix < x1; ix++) {
      sum += x[((b * p.inH + iy) * p.inW + ix) * p.channels + c];
    }
  }
  y[i] = sum * (1.0 / f32(max(1, (y1 - y0) * (x1 - x0))));`,
);

const AVG_POOL_GRAD = poolKernel(
  ["dy: array<f32>"],
  ["dx: array<f32>"],
  /* wgsl */ `${INPUT_COVER}
  var sum = 0.0;
  for (var oy = oy0; oy <= oy1; oy++) {
    let ys = oy * p.strideH - p.padTop;
    let rows = min(ys + p.kH, p.inH) - max(ys, 0);
    for (var ox = ox0; ox <= ox1; ox++) {
      let xs = ox * p.strideW - p.padLeft;
      let cols = min(xs + p.kW, p.inW) - max(xs, 0);
      sum += dy[((b * p.outH + oy) * p.outW + ox) * p.channels + c] * (1.0 / f32(max(1, rows * cols)));
    }
  }
  dx[i] = sum;`,
);

/**
 * Per-channel sums of dz [rows, channels]: one workgroup per channel, each invocation summing a
 * strided part of the rows, then a tree over the workgroup.
 */
const CHANNEL_SUM = /* wgsl */ `
struct Params { rows: u32, channels: u32 }
@group(0) @binding(0) var<storage, read> dz: array<f32>;
@group(0) @binding(1) var<storage, read_write> db: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
var<workgroup> part: array<f32, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let c = wid.x + wid.y * groups.x;
  var sum = 0.0;
  if (c < p.channels) {
    for (var r = t; r < p.rows; r += ${WORKGROUP}u) { sum += dz[r * p.channels + c]; }
  }
  part[t] = sum;
  for (var width = ${WORKGROUP / 2}u; width > 0u; width /= 2u) {
    workgroupBarrier();
    if (t < width) { part[t] += part[t + width]; }
  }
  if (t == 0u && c < p.channels) { db[c] = part[0]; }
}`;

/** maxPool2d of y with each output's argmax (MAX_POOL_ARGMAX): conv2dMaxPoolArgmax's pooling. */
export function maxPoolArgmax(gpu: Gpu, y: F32, g: Pool2dGeometry): { y: F32; argmax: Uint8Array } {
  const n = g.batch * g.outH * g.outW * g.channels;
  const [pooled, argmax] = gpu.run({
    label: "conv2dMaxPoolArgmax pool",
    code: MAX_POOL_ARGMAX,
    inputs: [y],
    outputs: [
      { dtype: "float32", length: n },
      { dtype: "bool", length: n },
    ],
    params: poolParams(g, n),
    workgroups: grid(n),
  });
  return { y: pooled as F32, argmax: argmax as Uint8Array };
}

export function poolKernels(
  gpu: Gpu,
): Pick<Kernels, "maxPool2d" | "maxPool2dGrad" | "maxPool2dReluGrad" | "maxPool2dArgmaxGrad" | "avgPool2d" | "avgPool2dGrad"> {
  const outLength = (g: Pool2dGeometry) => g.batch * g.outH * g.outW * g.channels;
  const inLength = (g: Pool2dGeometry) => g.batch * g.inH * g.inW * g.channels;
  /** One cell per invocation: n cells of `code` writing one output of length n. */
  const pass = (label: string, code: string, inputs: TypedArray[], dtype: "float32" | "int32", n: number, g: Pool2dGeometry) =>
    gpu.run({ label, code, inputs, outputs: [{ dtype, length: n }], params: poolParams(g, n), workgroups: grid(n) })[0];
  const argmax = (x: F32, g: Pool2dGeometry) => pass("maxPool2d argmax", ARGMAX, [x], "int32", outLength(g), g) as Int32Array;
  const maxGrad = (dy: F32, x: F32, g: Pool2dGeometry, relu: boolean): F32 => {
    const where = argmax(x, g);
    const label = relu ? "maxPool2dReluGrad" : "maxPool2dGrad";
    return pass(label, maxPoolGradShader(relu), relu ? [dy, where, x] : [dy, where], "float32", inLength(g), g) as F32;
  };
  return {
    maxPool2d: (x, g) => pass("maxPool2d", MAX_POOL, [x], "float32", outLength(g), g) as F32,
    maxPool2dGrad: (dy, x, g) => maxGrad(dy, x, g, false),
    maxPool2dReluGrad(dy, x, g) {
      const dz = maxGrad(dy, x, g, true);
      const rows = g.batch * g.inH * g.inW;
      const [db] = gpu.run({
        label: "maxPool2dReluGrad db",
        code: CHANNEL_SUM,
        inputs: [dz],
        outputs: [{ dtype: "float32", length: g.channels }],
        params: [u32(rows), u32(g.channels)],
        workgroups: grid(g.channels, 1),
      });
      return { dz, db: db as F32 };
    },
    maxPool2dArgmaxGrad: (dy, argmax, g) => pass("maxPool2dArgmaxGrad", MAX_POOL_ARGMAX_GRAD, [dy, argmax], "float32", inLength(g), g) as F32,
    avgPool2d: (x, g) => pass("avgPool2d", AVG_POOL, [x], "float32", outLength(g), g) as F32,
    avgPool2dGrad: (dy, g) => pass("avgPool2dGrad", AVG_POOL_GRAD, [dy], "float32", inLength(g), g) as F32,
  };
}
