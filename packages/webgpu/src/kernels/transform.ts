/**
 * Batched projective image transforms on the GPU (TensorFlow's ImageProjectiveTransformV3, the
 * augmentation warp) and their adjoint. The forward pass gathers: one output cell per invocation.
 * The adjoint scatters (an input pixel is read by outputs anywhere, folded by the fill mode), so
 * each output adds into its taps with a compare-exchange loop on the float's bits: the order of
 * the adds is the GPU's, so a pixel that many outputs read (a border under fill mode nearest)
 * sums in another order than the reference's. Where each output samples: transform-sample.ts.
 */
import type { F32, FillMode, Interpolation, Kernels, TransformGeometry } from "@kerno/core/backends/kernels.js";
import { f32, type Gpu, u32 } from "../gpu.js";
import { flatKernel, grid } from "../wgsl.js";
import { sampler } from "./transform-sample.js";

const PARAMS = "n: u32, inH: u32, inW: u32, channels: u32, outH: u32, outW: u32, fillValue: f32";

/** The output cell (b, oy, ox, c) of flat index i, and the input pixels it samples. */
const OUTPUT_CELL = /* wgsl */ `
  let c = i % p.channels;
  let pixel = i / p.channels;
  let ox = pixel % p.outW;
  let oy = (pixel / p.outW) % p.outH;
  let b = pixel / (p.outW * p.outH);
  let taps = sample(b, oy, ox);`;

const transformShader = (mode: FillMode, interpolation: Interpolation) =>
  flatKernel({
    params: PARAMS,
    reads: ["x: array<f32>", "transforms: array<f32>"],
    writes: ["y: array<f32>"],
    helpers: sampler(mode, interpolation),
    body: /* wgsl */ `${OUTPUT_CELL}
  var sum = 0.0;
  for (var j = 0u; j < taps.count; j++) {
    let w = taps.w[j];
    if (w == 0.0) { continue; }
    let at = taps.at[j];
    sum += w * select(p.fillValue, x[u32(at) * p.channels + c], at >= 0);
  }
  y[i] = sum;`,
  });

/** dx (zeroed first) += w dy at each tap inside the image: float adds as compare-exchange loops on the bits. */
const transformGradShader = (mode: FillMode, interpolation: Interpolation) =>
  flatKernel({
    params: PARAMS,
    reads: ["dy: array<f32>", "transforms: array<f32>"],
    writes: ["dx: array<atomic<u32>>"],
    helpers: /* wgsl */ `${sampler(mode, interpolation)}
fn accumulate(at: u32, v: f32) {
  var old = atomicLoad(&dx[at]);
  loop {
    let r = atomicCompareExchangeWeak(&dx[at], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`,
    body: /* wgsl */ `${OUTPUT_CELL}
  let v = dy[i];
  for (var j = 0u; j < taps.count; j++) {
    let w = taps.w[j];
    let at = taps.at[j];
    if (at < 0 || w == 0.0) { continue; }
    accumulate(u32(at) * p.channels + c, w * v);
  }`,
  });

const ZEROS = flatKernel({ params: "n: u32", reads: [], writes: ["z: array<f32>"], body: "  z[i] = 0.0;" });

export function transformKernels(gpu: Gpu): Pick<Kernels, "imageTransform" | "imageTransformGrad"> {
  const params = (g: TransformGeometry) => {
    const n = g.batch * g.outH * g.outW * g.channels;
    return [...[n, g.inH, g.inW, g.channels, g.outH, g.outW].map(u32), f32(g.fillValue)];
  };
  const outLength = (g: TransformGeometry) => g.batch * g.outH * g.outW * g.channels;
  return {
    imageTransform: (x, transforms, g) =>
      gpu.run({
        label: `imageTransform ${g.fillMode} ${g.interpolation}`,
        code: transformShader(g.fillMode, g.interpolation),
        inputs: [x, transforms],
        outputs: [{ dtype: "float32", length: outLength(g) }],
        params: params(g),
        workgroups: grid(outLength(g)),
      })[0] as F32,
    imageTransformGrad(dy, transforms, g) {
      const n = g.batch * g.inH * g.inW * g.channels;
      const [dx] = gpu.run({
        label: "imageTransformGrad zeros",
        code: ZEROS,
        outputs: [{ dtype: "float32", length: n }],
        params: [u32(n)],
        workgroups: grid(n),
      });
      gpu.run({
        label: `imageTransformGrad ${g.fillMode} ${g.interpolation}`,
        code: transformGradShader(g.fillMode, g.interpolation),
        inputs: [dy, transforms],
        inouts: [dx],
        params: params(g),
        workgroups: grid(n === 0 ? 0 : outLength(g)),
      });
      return dx as F32;
    },
  };
}
