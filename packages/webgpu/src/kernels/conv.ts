/**
 * conv2d (NHWC input, HWIO filter) and its gradients as implicit GEMMs on the tiled product of
 * gemm.ts: the patch matrix (im2col) is never written, each tile load computes its element's
 * input pixel. Forward: [batch*outH*outW, kH*kW*inC] x [kH*kW*inC, outC]. The input gradient
 * gathers (no atomics): [batch*inH*inW, kH*kW*outC] x [kH*kW*outC, inC], where a tap that no
 * output pixel reads (between strides, or past the edge) is 0. The filter gradient is a GEMM over
 * batch*outH*outW: [kH*kW*inC, rows] x [rows, outC], K split over several workgroups.
 */
import type { Conv2dGeometry, F32, FusedActivation, Pool2dGeometry } from "@kerno/core/backends/kernels.js";
import { f32, type Gpu, i32, u32 } from "../gpu.js";
import { flatKernel, grid, pixelOf } from "../wgsl.js";
import { type Gemm, runGemm } from "./gemm.js";
import { act as activation, FUSED_ACTIVATION_WGSL } from "./unary.js";

/**
 * The geometry as WGSL constants (abstract integers, so i32 or u32 where used): a division by a
 * constant compiles to a multiply, which matters in loads that decode an im2col index per element.
 * A size of 0 is written 1 (a constant division by 0 does not compile): then either the product is
 * empty or its K is 0, so that no load runs (the input gradient of an empty dy returns early).
 */
const geometryConstants = (g: Conv2dGeometry): string =>
  (["inH", "inW", "inC", "outH", "outW", "outC", "kW", "strideH", "strideW", "dilationH", "dilationW"] as const)
    .map((k) => `const ${k} = ${Math.max(1, g[k])};`)
    .concat([`const padTop = ${g.padTop};`, `const padLeft = ${g.padLeft};`])
    .join("\n");

/** WGSL returning the (channel, row, column) offsets of patch index `index` (taps of `channels` each), less the padding when `padded`. */
const tapOf = (index: string, channels: string, padded = false): string => /* wgsl */ `
  let tap = ${index} / ${channels};
  return vec4i(i32(${index} % ${channels}), i32(tap / kW) * dilationH${padded ? " - padTop" : ""}, i32(tap % kW) * dilationW${padded ? " - padLeft" : ""}, 0);`;

/** WGSL returning x at (row, col) of the image whose first row is `image`, at `channel`: 0 past the edge. */
const inputPixel = (image: string, row: string, col: string, channel: string): string => /* wgsl */ `
  let iy = ${row};
  let ix = ${col};
  if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) { return 0.0; }
  return x[u32((${image} + iy) * inW + ix) * inC + u32(${channel})];`;

/** A product of the convolution on runGemm: one batch of [M, K] x [K, N], columns of B by n, the geometry as constants. */
const convGemm = (gpu: Gpu, g: Conv2dGeometry, product: Omit<Gemm, "batches" | "colB" | "store" | "outLength"> & { store?: string }): F32 =>
  runGemm(gpu, {
    ...product,
    batches: 1,
    colB: "return vec4i(i32(n), 0, 0, 0);",
    store: product.store ?? "out[gm * p.N + gn] = v;",
    helpers: geometryConstants(g) + (product.helpers ?? ""),
    outLength: product.M * product.N,
  });

/** act(conv2d(x, w) + bias) as [batch, outH, outW, outC]. */
export function conv2dForward(gpu: Gpu, x: F32, w: F32, g: Conv2dGeometry, bias: F32 | null, act: FusedActivation): F32 {
  const z = bias ? "v + bias[gn]" : "v";
  return convGemm(gpu, g, {
    label: `conv2d ${act}${bias ? " bias" : ""}`,
    M: g.batch * g.outH * g.outW,
    N: g.outC,
    K: g.kH * g.kW * g.inC,
    inputs: [
      { name: "x", array: x },
      { name: "w", array: w },
    ],
    storeInputs: bias ? [{ name: "bias", array: bias }] : [],
    rowA: `${pixelOf("m", ["n", "oy", "ox"], "outH", "outW")}
  return vec4i(n * inH, oy * strideH - padTop, ox * strideW - padLeft, 0);`,
    kA: tapOf("k", "inC"),
    loadA: inputPixel("r.x", "r.y + q.y", "r.z + q.z", "q.x"),
    loadB: "return w[k * p.N + n];",
    store: `let z = ${z}; out[gm * p.N + gn] = ${activation(act, "z")};`,
    helpers: FUSED_ACTIVATION_WGSL,
  });
}

/** d conv2d / dx: [batch, inH, inW, inC]. */
export function conv2dInputGrad(gpu: Gpu, dy: F32, w: F32, g: Conv2dGeometry): F32 {
  const pixels = g.batch * g.inH * g.inW;
  if (dy.length === 0) return new Float32Array(pixels * g.inC);
  return convGemm(gpu, g, {
    label: "conv2dBackpropInput",
    M: pixels,
    N: g.inC,
    K: g.kH * g.kW * g.outC,
    inputs: [
      { name: "dy", array: dy },
      { name: "w", array: w },
    ],
    rowA: `${pixelOf("m", ["n", "iy", "ix"], "inH", "inW")}
  return vec4i(n * outH, iy + padTop, ix + padLeft, 0);`,
    kA: tapOf("k", "outC"),
    loadA: /* wgsl */ `
  let ty = r.y - q.y;
  let tx = r.z - q.z;
  if (ty < 0 || tx < 0 || ty % strideH != 0 || tx % strideW != 0) { return 0.0; }
  let oy = ty / strideH;
  let ox = tx / strideW;
  if (oy >= outH || ox >= outW) { return 0.0; }
  return dy[u32((r.x + oy) * outW + ox) * outC + u32(q.x)];`,
    kB: "return vec4i(i32(k / outC), i32(k % outC), 0, 0);",
    loadB: "return w[(u32(q.x) * inC + n) * outC + u32(q.y)];",
  });
}

/** d conv2d / dw: [kH, kW, inC, outC]. */
export function conv2dFilterGrad(gpu: Gpu, x: F32, dy: F32, g: Conv2dGeometry): F32 {
  return convGemm(gpu, g, {
    label: "conv2dBackpropFilter",
    M: g.kH * g.kW * g.inC,
    N: g.outC,
    K: g.batch * g.outH * g.outW,
    inputs: [
      { name: "x", array: x },
      { name: "dy", array: dy },
    ],
    rowA: tapOf("m", "inC", true),
    kA: `${pixelOf("k", ["n", "oy", "ox"], "outH", "outW")}
  return vec4i(n * inH, oy * strideH, ox * strideW, 0);`,
    loadA: inputPixel("q.x", "q.y + r.y", "q.z + r.z", "r.x"),
    loadB: "return dy[k * p.N + n];",
  });
}

const maxPoolShader = flatKernel({
  params:
    "n: u32, inH: i32, inW: i32, channels: u32, outH: u32, outW: u32, kH: i32, kW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, lowest: f32",
  reads: ["xs: array<f32>"],
  writes: ["ys: array<f32>"],
  body: /* wgsl */ `  let c = i % p.channels;
  let ox = (i / p.channels) % p.outW;
  let oy = (i / (p.channels * p.outW)) % p.outH;
  let b = i32(i / (p.channels * p.outW * p.outH));
  let ys0 = i32(oy) * p.strideH - p.padTop;
  let xs0 = i32(ox) * p.strideW - p.padLeft;
  var best = p.lowest; // -Infinity (a constant -inf is not valid WGSL)
  for (var iy = max(ys0, 0); iy < min(ys0 + p.kH, p.inH); iy++) {
    for (var ix = max(xs0, 0); ix < min(xs0 + p.kW, p.inW); ix++) {
      let v = xs[u32((b * p.inH + iy) * p.inW + ix) * p.channels + c];
      if (v > best) { best = v; }
    }
  }
  ys[i] = best;`,
});

/** maxPool2d of a convolution's output on the GPU (the first maximum, NaN never wins, -Infinity for an empty window). */
export function maxPool(gpu: Gpu, y: F32, pool: Pool2dGeometry): F32 {
  const n = pool.batch * pool.outH * pool.outW * pool.channels;
  return gpu.run({
    label: "conv2dMaxPool pool",
    code: maxPoolShader,
    inputs: [y],
    outputs: [{ dtype: "float32", length: n }],
    params: [
      u32(n),
      i32(pool.inH),
      i32(pool.inW),
      u32(pool.channels),
      u32(pool.outH),
      u32(pool.outW),
      i32(pool.kH),
      i32(pool.kW),
      i32(pool.strideH),
      i32(pool.strideW),
      i32(pool.padTop),
      i32(pool.padLeft),
      f32(-Infinity),
    ],
    workgroups: grid(n),
  })[0] as F32;
}
