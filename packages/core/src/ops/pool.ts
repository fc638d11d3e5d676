/** Max and average pooling over NHWC inputs. */
import type { Pool2dGeometry } from "../backends/kernels.js";
import { shapeToString } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { assertPadding, convOutput, type Padding, type Pair, pair } from "./conv.js";
import { assertFloat, assertRank, backend, f32, record } from "./core.js";

export interface Pool2dOptions {
  poolSize?: Pair;
  /** Defaults to poolSize, as in Keras. */
  strides?: Pair;
  padding?: Padding;
}

export function pool2dGeometry(xShape: readonly number[], options: Pool2dOptions, who: string): Pool2dGeometry {
  const [batch, inH, inW, channels] = xShape;
  const [kH, kW] = pair(options.poolSize, 2, who, "poolSize");
  const [strideH, strideW] = pair(options.strides ?? [kH, kW], 1, who, "strides");
  const padding = assertPadding(options.padding, who);
  const h = convOutput(inH, kH, strideH, 1, padding);
  const w = convOutput(inW, kW, strideW, 1, padding);
  if (h.out <= 0 || w.out <= 0) throw new RangeError(`${who}: a ${kH}x${kW} window does not fit input ${shapeToString(xShape)} with padding '${padding}'`);
  return { batch, inH, inW, channels, outH: h.out, outW: w.out, kH, kW, strideH, strideW, padTop: h.padBefore, padLeft: w.padBefore };
}

function prepare(x: Tensor, options: Pool2dOptions, who: string): { xv: Float32Array; g: Pool2dGeometry; outShape: number[] } {
  assertTensor(x, who);
  assertRank(x, 4, who, "[batch, h, w, channels]");
  const xv = assertFloat(x, who);
  const g = pool2dGeometry(x.shape, options, who);
  return { xv, g, outShape: [g.batch, g.outH, g.outW, g.channels] };
}

export function maxPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor<"float32"> {
  const { xv, g, outShape } = prepare(x, options, "maxPool2d");
  const y = f32(backend().maxPool2d(xv, g), outShape);
  return record("maxPool2d", [x], y, (dy) => [f32(backend().maxPool2dGrad(dy.values, xv, g), x.shape)]);
}

/** Average over each window's cells inside the input ('same' padding cells are not counted). */
export function avgPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor<"float32"> {
  const { xv, g, outShape } = prepare(x, options, "avgPool2d");
  const y = f32(backend().avgPool2d(xv, g), outShape);
  return record("avgPool2d", [x], y, (dy) => [f32(backend().avgPool2dGrad(dy.values, g), x.shape)]);
}
