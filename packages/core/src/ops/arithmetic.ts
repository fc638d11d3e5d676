/** Broadcasting arithmetic: add, sub, mul, div, pow, maximum, minimum, and neg. */
import type { BinaryOp } from "../backends/kernels.js";
import type { DType } from "../tensor/dtype.js";
import { broadcastShapes } from "../tensor/shape.js";
import { isFloat32, type Tensor } from "../tensor/tensor.js";
import { sumTo } from "./broadcast.js";
import { cast, greaterEqual, lessEqual } from "./compare.js";
import { asFloat, backend, binaryOperands, make, type Operand, record, unaryOp } from "./core.js";

type F = Tensor<"float32">;
type Grads = (dy: F, a: F, b: F, y: F) => [F | null, F | null];

export type { Operand } from "./core.js";

function binaryOp<D extends DType>(op: BinaryOp, a: Operand<D>, b: Operand<D>, grads: Grads): Tensor<D> {
  const [ta, tb] = binaryOperands(a, b, op);
  if (ta.dtype === "bool") throw new TypeError(`${op}: bool tensors do not support arithmetic; cast to float32 first`);
  const outShape = broadcastShapes(ta.shape, tb.shape, op);
  const y = make(backend().binary(op, ta.values, ta.shape, tb.values, tb.shape, outShape), outShape, ta.dtype);
  if (!isFloat32(ta) || !isFloat32(tb)) return y;
  const yf = asFloat(y, op);
  return record(op, [ta, tb], y, (dy) => {
    const [da, db] = grads(dy, ta, tb, yf);
    return [da && sumTo(da, ta.shape), db && sumTo(db, tb.shape)];
  });
}

export function add<D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<D> {
  return binaryOp("add", a, b, (dy) => [dy, dy]);
}

export function sub<D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<D> {
  return binaryOp("sub", a, b, (dy) => [dy, neg(dy)]);
}

export function mul<D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<D> {
  return binaryOp("mul", a, b, (dy, ta, tb) => [mul(dy, tb), mul(dy, ta)]);
}

export function div<D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<D> {
  return binaryOp("div", a, b, (dy, _ta, tb, y) => [div(dy, tb), neg(div(mul(dy, y), tb))]);
}

/**
 * a ** b; the gradient with respect to b uses log(a), so it is defined where a > 0 (the log op
 * through core's unaryOp: math.ts imports this file, not the other way round).
 */
export function pow<D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<D> {
  return binaryOp("pow", a, b, (dy, ta, tb, y) => [mul(dy, mul(tb, pow(ta, sub(tb, 1)))), mul(dy, mul(y, unaryOp("log", maximum(ta, 1e-30))))]);
}

/** Elementwise larger value; ties send the gradient to the first input. */
export function maximum<D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<D> {
  return binaryOp("maximum", a, b, (dy, ta, tb) => {
    const pick = cast(greaterEqual(ta, tb), "float32");
    return [mul(dy, pick), mul(dy, sub(1, pick))];
  });
}

export function minimum<D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<D> {
  return binaryOp("minimum", a, b, (dy, ta, tb) => {
    const pick = cast(lessEqual(ta, tb), "float32");
    return [mul(dy, pick), mul(dy, sub(1, pick))];
  });
}

export function neg<D extends DType>(x: Operand<D>): Tensor<D> {
  const [t] = binaryOperands(x, 0, "neg");
  if (t.dtype === "bool") throw new TypeError("neg: bool tensors do not support arithmetic; cast to float32 first");
  if (!isFloat32(t)) return mul(t, -1);
  const y = make(backend().unary("neg", t.values, 0), t.shape, t.dtype);
  return record("neg", [t], y, (dy) => [neg(dy)]);
}
