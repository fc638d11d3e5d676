/** Elementwise math: square, sqrt, exp, log, log1p, abs, sign, reciprocal, erf, clip. */
import type { Tensor } from "../tensor/tensor.js";
import { mul } from "./arithmetic.js";
import { cast, greaterEqual, lessEqual, logicalAnd } from "./compare.js";
import { assertFloat, asTensor, backend, make, record, type TensorOrNumber, unaryOp } from "./core.js";

export const square = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("square", x);
export const sqrt = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("sqrt", x);
export const rsqrt = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("rsqrt", x);
export const exp = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("exp", x);
export const log = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("log", x);
export const log1p = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("log1p", x);
export const abs = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("abs", x);
/** -1, 0 or 1; its gradient is zero everywhere. */
export const sign = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("sign", x);
export const reciprocal = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("reciprocal", x);
export const erf = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("erf", x);

/** Limits values to [lo, hi]; the gradient passes where the input lies inside the range. */
export function clip(x: Tensor, lo: number, hi: number): Tensor<"float32"> {
  const t = asTensor(x, "clip");
  const xv = assertFloat(t, "clip");
  if (!(lo <= hi)) throw new RangeError(`clip: lower bound ${lo} is above upper bound ${hi}`);
  const k = backend();
  const clipped = k.binary("minimum", k.binary("maximum", xv, t.shape, Float32Array.of(lo), [], t.shape), t.shape, Float32Array.of(hi), [], t.shape);
  const y = make(clipped, t.shape, "float32");
  return record("clip", [t], y, (dy) => [mul(dy, cast(logicalAnd(greaterEqual(t, lo), lessEqual(t, hi)), "float32"))]);
}
