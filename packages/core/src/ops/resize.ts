/** Image resizing (NHWC) with TensorFlow 2's default coordinates (half-pixel centers). */
import type { ResizeGeometry } from "../backends/kernels.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { assertFloat, assertRank, backend, f32, record } from "./core.js";

export interface ResizeOptions {
  /** Map corner pixels onto corner pixels (TF1 style); default false. */
  alignCorners?: boolean;
  /** Sample at pixel centers (TF2 and Keras default); default true unless alignCorners. */
  halfPixelCenters?: boolean;
}

function geometry(x: Tensor, size: readonly [number, number], options: ResizeOptions, who: string): ResizeGeometry {
  assertTensor(x, who);
  assertRank(x, 4, who, "[batch, h, w, channels]");
  const [outH, outW] = size;
  if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH <= 0 || outW <= 0) {
    throw new RangeError(`${who}: size must be two positive integers, got [${size.join(",")}]`);
  }
  const alignCorners = options.alignCorners ?? false;
  const halfPixelCenters = options.halfPixelCenters ?? !alignCorners;
  if (alignCorners && halfPixelCenters) throw new RangeError(`${who}: alignCorners and halfPixelCenters cannot both be true`);
  const [batch, inH, inW, channels] = x.shape;
  return { batch, inH, inW, channels, outH, outW, alignCorners, halfPixelCenters };
}

export function resizeBilinear(x: Tensor, size: readonly [number, number], options: ResizeOptions = {}): Tensor<"float32"> {
  const g = geometry(x, size, options, "resizeBilinear");
  const y = f32(backend().resizeBilinear(assertFloat(x, "resizeBilinear"), g), [g.batch, g.outH, g.outW, g.channels]);
  return record("resizeBilinear", [x], y, (dy) => [f32(backend().resizeBilinearGrad(dy.values, g), x.shape)]);
}

export function resizeNearest(x: Tensor, size: readonly [number, number], options: ResizeOptions = {}): Tensor<"float32"> {
  const g = geometry(x, size, options, "resizeNearest");
  const y = f32(backend().resizeNearest(assertFloat(x, "resizeNearest"), g), [g.batch, g.outH, g.outW, g.channels]);
  return record("resizeNearest", [x], y, (dy) => [f32(backend().resizeNearestGrad(dy.values, g), x.shape)]);
}
