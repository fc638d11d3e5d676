/**
 * Depthwise conv2d (kernel [kH, kW, inC, multiplier], output channel c * multiplier + j) and its
 * gradients: each output or input-gradient element sums its few taps directly; each filter
 * gradient element is a sum over every output pixel, which a workgroup splits among its 256
 * invocations and adds up in workgroup memory.
 */
import type { Conv2dGeometry, F32, FusedActivation, Kernels } from "@kerno/core/backends/kernels.js";
import { type Gpu, i32, u32 } from "../gpu.js";
import { bindings, flatKernel, grid, pixelOf } from "../wgsl.js";
import { act, FUSED_ACTIVATION_WGSL } from "./unary.js";

const PARAMS = `n: u32, batch: i32, inH: i32, inW: i32, inC: u32, outH: i32, outW: i32, outC: u32, mult: u32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, padTop: i32, padLeft: i32`;

const params = (n: number, g: Conv2dGeometry) => [
  u32(n),
  ...[g.batch, g.inH, g.inW].map(i32),
  u32(g.inC),
  ...[g.outH, g.outW].map(i32),
  u32(g.outC),
  u32(g.outC / g.inC),
  ...[g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft].map(i32),
];

const forwardShader = (bias: boolean, activation: FusedActivation) =>
  flatKernel({
    params: PARAMS,
    reads: ["x: array<f32>", "w: array<f32>", ...(bias ? ["bias: array<f32>"] : [])],
    writes: ["y: array<f32>"],
    helpers: FUSED_ACTIVATION_WGSL,
    body: /* wgsl */ `  let ch = i % p.outC;
  let c = ch / p.mult;
  let j = ch % p.mult;
${pixelOf("i / p.outC", ["b", "oy", "ox"], "p.outH", "p.outW")}
  var v = 0.0;
  for (var ky = 0; ky < p.kH; ky++) {
    let iy = oy * p.strideH - p.padTop + ky * p.dilationH;
    if (iy < 0 || iy >= p.inH) { continue; }
    for (var kx = 0; kx < p.kW; kx++) {
      let ix = ox * p.strideW - p.padLeft + kx * p.dilationW;
      if (ix < 0 || ix >= p.inW) { continue; }
      let tap = u32(ky * p.kW + kx);
      v += x[u32((b * p.inH + iy) * p.inW + ix) * p.inC + c] * w[(tap * p.inC + c) * p.mult + j];
    }
  }
  let z = ${bias ? "v + bias[ch]" : "v"};
  y[i] = ${act(activation, "z")};`,
  });

const inputGradShader = flatKernel({
  params: PARAMS,
  reads: ["dy: array<f32>", "w: array<f32>"],
  writes: ["dx: array<f32>"],
  body: /* wgsl */ `  let c = i % p.inC;
${pixelOf("i / p.inC", ["b", "iy", "ix"], "p.inH", "p.inW")}
  var v = 0.0;
  for (var ky = 0; ky < p.kH; ky++) {
    let ty = iy + p.padTop - ky * p.dilationH;
    if (ty < 0 || ty % p.strideH != 0 || ty / p.strideH >= p.outH) { continue; }
    for (var kx = 0; kx < p.kW; kx++) {
      let tx = ix + p.padLeft - kx * p.dilationW;
      if (tx < 0 || tx % p.strideW != 0 || tx / p.strideW >= p.outW) { continue; }
      let o = u32((b * p.outH + ty / p.strideH) * p.outW + tx / p.strideW) * p.outC + c * p.mult;
      let t = (u32(ky * p.kW + kx) * p.inC + c) * p.mult;
      for (var j = 0u; j < p.mult; j++) { v += dy[o + j] * w[t + j]; }
    }
  }
  dx[i] = v;`,
});

const filterGradShader = /* wgsl */ `
struct Params { ${PARAMS} }
${bindings(["x: array<f32>", "dy: array<f32>"], ["dw: array<f32>"])}
var<workgroup> sums: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let e = wid.x + wid.y * groups.x;
  let ch = e % p.outC;
  let c = ch / p.mult;
  let tap = i32(e / p.outC);
  let dyTap = (tap / p.kW) * p.dilationH - p.padTop;
  let dxTap = (tap % p.kW) * p.dilationW - p.padLeft;
  let rows = p.batch * p.outH * p.outW;
  var v = 0.0;
  if (e < p.n) {
    for (var r = i32(lid); r < rows; r += 256) {
      ${pixelOf("r", ["b", "oy", "ox"], "p.outH", "p.outW")}
      let iy = oy * p.strideH + dyTap;
      let ix = ox * p.strideW + dxTap;
      if (iy >= 0 && iy < p.inH && ix >= 0 && ix < p.inW) {
        v += x[u32((b * p.inH + iy) * p.inW + ix) * p.inC + c] * dy[u32(r) * p.outC + ch];
      }
    }
  }
  sums[lid] = v;
  for (var half = 128u; half > 0u; half >>= 1u) {
    workgroupBarrier();
    if (lid < half) { sums[lid] += sums[lid + half]; }
  }
  if (lid == 0u && e < p.n) { dw[e] = sums[0]; }
}
`;

type DepthwiseKernels = Pick<Kernels, "depthwiseConv2d" | "depthwiseConv2dBackpropInput" | "depthwiseConv2dBackpropFilter">;

export function depthwiseKernels(gpu: Gpu): DepthwiseKernels {
  /** n float outputs of `code` over `inputs`, with the geometry's params, grid(n, perGroup) workgroups. */
  const run = (label: string, code: string, inputs: F32[], n: number, g: Conv2dGeometry, perGroup?: number): F32 =>
    gpu.run({ label, code, inputs, outputs: [{ dtype: "float32", length: n }], params: params(n, g), workgroups: grid(n, perGroup) })[0] as F32;
  return {
    depthwiseConv2d: (x, w, g, bias, activation) =>
      run(`depthwiseConv2d ${activation}`, forwardShader(bias !== null, activation), bias ? [x, w, bias] : [x, w], g.batch * g.outH * g.outW * g.outC, g),
    depthwiseConv2dBackpropInput: (dy, w, g) => run("depthwiseConv2dBackpropInput", inputGradShader, [dy, w], g.batch * g.inH * g.inW * g.inC, g),
    // one workgroup per filter element
    depthwiseConv2dBackpropFilter: (x, dy, g) => run("depthwiseConv2dBackpropFilter", filterGradShader, [x, dy], g.kH * g.kW * g.outC, g, 1),
  };
}
