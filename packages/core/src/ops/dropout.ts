/** Inverted dropout: zero a random fraction `rate` of values and scale the rest by 1 / (1 - rate). */
import { generator } from "../tensor/random.js";
import { broadcastShapes, type Shape, shapeToString, sizeOf } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { mul } from "./arithmetic.js";
import { asFloat, f32 } from "./core.js";

/** The scaled keep-mask: 0 with probability `rate`, 1 / (1 - rate) otherwise. */
export function dropoutMask(shape: Shape, rate: number, seed?: number): Tensor<"float32"> {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout: rate must be in [0, 1), got ${rate}`);
  const rng = generator(seed);
  const keep = 1 / (1 - rate);
  const m = new Float32Array(sizeOf(shape));
  for (let i = 0; i < m.length; i++) m[i] = rng.uniform() >= rate ? keep : 0;
  return f32(m, [...shape]);
}

export interface DropoutOptions {
  seed?: number;
  /** Shape of the mask, broadcast against x (e.g. [batch, 1, 1, channels] drops whole channels). */
  noiseShape?: Shape;
}

export function dropout(input: Tensor, rate: number, options: DropoutOptions = {}): Tensor<"float32"> {
  assertTensor(input, "dropout");
  const x = asFloat(input, "dropout");
  if (rate === 0) return x;
  const noiseShape = options.noiseShape ?? x.shape;
  const full = broadcastShapes(noiseShape, x.shape, "dropout");
  if (full.length !== x.rank || full.some((d, i) => d !== x.shape[i])) {
    throw new RangeError(`dropout: noiseShape ${shapeToString(noiseShape)} does not broadcast to ${shapeToString(x.shape)}`);
  }
  return mul(x, dropoutMask(noiseShape, rate, options.seed));
}
