/** Broadcasting arithmetic: add, sub, mul, div, pow, maximum, minimum, and neg. */
import type { BinaryOp } from "../backends/kernels.js";
import { broadcastShapes } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { cast, greaterEqual, lessEqual } from "./compare.js";
import { assertFloat, asTensor, backend, binaryOperands, make, record, type TensorOrNumber } from "./core.js";
import { log } from "./math.js";
import { sumTo } from "./reduce.js";

type Grads = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null];

function binaryOp(op: BinaryOp, a: TensorOrNumber, b: TensorOrNumber, grads: Grads): Tensor {
  const [ta, tb] = binaryOperands(a, b, op);
  if (ta.dtype === "bool") throw new TypeError(`${op}: bool tensors do not support arithmetic; cast to float32 first`);
  const outShape = broadcastShapes(ta.shape, tb.shape, op);
  const y = make(backend().binary(op, ta.values, ta.shape, tb.values, tb.shape, outShape), outShape, ta.dtype);
  if (ta.dtype !== "float32") return y;
  return record(op, [ta, tb], y, (dy) => {
    const [da, db] = grads(dy, ta, tb, y);
    return [da && sumTo(da, ta.shape), db && sumTo(db, tb.shape)];
  });
}

export function add(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binaryOp("add", a, b, (dy) => [dy, dy]);
}

export function sub(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binaryOp("sub", a, b, (dy) => [dy, neg(dy)]);
}

export function mul(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binaryOp("mul", a, b, (dy, ta, tb) => [mul(dy, tb), mul(dy, ta)]);
}

export function div(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binaryOp("div", a, b, (dy, _ta, tb, y) => [div(dy, tb), neg(div(mul(dy, y), tb))]);
}

/** a ** b; the gradient with respect to b uses log(a), so it is defined where a > 0. */
export function pow(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binaryOp("pow", a, b, (dy, ta, tb, y) => [
    mul(dy, mul(tb, pow(ta, sub(tb, 1)))),
    mul(dy, mul(y, log(maximum(ta, 1e-30)))),
  ]);
}

/** Elementwise larger value; ties send the gradient to the first input. */
export function maximum(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binaryOp("maximum", a, b, (dy, ta, tb) => {
    const pick = cast(greaterEqual(ta, tb), "float32");
    return [mul(dy, pick), mul(dy, sub(1, pick))];
  });
}

export function minimum(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  return binaryOp("minimum", a, b, (dy, ta, tb) => {
    const pick = cast(lessEqual(ta, tb), "float32");
    return [mul(dy, pick), mul(dy, sub(1, pick))];
  });
}

export function neg(x: TensorOrNumber): Tensor {
  const t = asTensor(x, "neg");
  if (t.dtype !== "float32") return mul(t, -1);
  const y = make(backend().unary("neg", assertFloat(t, "neg"), 0), t.shape, "float32");
  return record("neg", [t], y, (dy) => [neg(dy)]);
}
