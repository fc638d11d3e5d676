/** Batched projective image transforms (the warp behind rotation, zoom and translation augmentation). */
import type { FillMode, Interpolation, TransformGeometry } from "../backends/kernels.js";
import { FILL_MODES, INTERPOLATIONS } from "../backends/kernels.js";
import { shapeToString } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { assertFloat, assertRank, backend, f32, record } from "./core.js";

export interface ImageTransformOptions {
  /** Output [height, width] (default: the input's). */
  outputSize?: [number, number];
  fillMode?: FillMode;
  interpolation?: Interpolation;
  fillValue?: number;
}

/**
 * Warps each image of x [batch, h, w, c] by its transform: transforms [batch, 8] holds
 * [a0, a1, a2, b0, b1, b2, c0, c1], mapping output pixel (x, y) to input point
 * ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1 (TensorFlow's convention).
 * Differentiable with respect to the images.
 */
export function imageTransform(x: Tensor, transforms: Tensor, options: ImageTransformOptions = {}): Tensor<"float32"> {
  const who = "imageTransform";
  assertTensor(x, who);
  assertTensor(transforms, who, "transforms");
  assertRank(x, 4, who, "[batch, h, w, channels]");
  const xv = assertFloat(x, who);
  const tv = assertFloat(transforms, who, "transforms");
  const [batch, inH, inW, channels] = x.shape;
  if (transforms.rank !== 2 || transforms.shape[1] !== 8 || (transforms.shape[0] !== batch && transforms.shape[0] !== 1)) {
    throw new RangeError(`${who}: transforms must be [${batch}, 8] (or [1, 8] for all images), got ${shapeToString(transforms.shape)}`);
  }
  const fillMode = options.fillMode ?? "reflect";
  const interpolation = options.interpolation ?? "bilinear";
  if (!FILL_MODES.includes(fillMode)) throw new RangeError(`${who}: fillMode must be one of ${FILL_MODES.join(", ")}, got '${fillMode}'`);
  if (!INTERPOLATIONS.includes(interpolation))
    throw new RangeError(`${who}: interpolation must be one of ${INTERPOLATIONS.join(", ")}, got '${interpolation}'`);
  const [outH, outW] = options.outputSize ?? [inH, inW];
  const g: TransformGeometry = { batch, inH, inW, channels, outH, outW, fillMode, interpolation, fillValue: options.fillValue ?? 0 };
  // one transform for every image: repeat it
  const t = transforms.shape[0] === batch ? tv : Float32Array.from({ length: batch * 8 }, (_, i) => tv[i % 8]);
  const y = f32(backend().imageTransform(xv, t, g), [batch, outH, outW, channels]);
  return record(who, [x], y, (dy) => [f32(backend().imageTransformGrad(dy.values, t, g), x.shape)]);
}
