/** Comparisons (bool results, no gradient), logical ops, where and cast. */
import type { BinaryOp } from "../backends/kernels.js";
import type { DType } from "../tensor/dtype.js";
import { isDType } from "../tensor/dtype.js";
import { broadcastShapes } from "../tensor/shape.js";
import { assertTensor, Tensor } from "../tensor/tensor.js";
import { asTensor, backend, binaryOperands, make, record, type TensorOrNumber } from "./core.js";
import { sumTo } from "./reduce.js";
import { zerosLike } from "../tensor/creation.js";

function compare(op: BinaryOp, a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [ta, tb] = binaryOperands(a, b, op);
  const outShape = broadcastShapes(ta.shape, tb.shape, op);
  return make(backend().binary(op, ta.values, ta.shape, tb.values, tb.shape, outShape), outShape, "bool");
}

export const equal = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare("equal", a, b);
export const notEqual = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare("notEqual", a, b);
export const greater = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare("greater", a, b);
export const greaterEqual = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare("greaterEqual", a, b);
export const less = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare("less", a, b);
export const lessEqual = (a: TensorOrNumber, b: TensorOrNumber): Tensor => compare("lessEqual", a, b);

function assertBool(x: Tensor, who: string): void {
  assertTensor(x, who);
  if (x.dtype !== "bool") throw new TypeError(`${who}: expected a bool tensor, got ${x.dtype}`);
}

export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  assertBool(a, "logicalAnd");
  assertBool(b, "logicalAnd");
  const outShape = broadcastShapes(a.shape, b.shape, "logicalAnd");
  const prod = backend().binary("mul", a.values, a.shape, b.values, b.shape, outShape);
  return make(prod, outShape, "bool");
}

export function logicalNot(a: Tensor): Tensor {
  assertBool(a, "logicalNot");
  return make((a.values as Uint8Array).map((v) => (v ? 0 : 1)), a.shape, "bool");
}

/** Elementwise cond ? a : b, with broadcasting; the gradient goes to the branch that was taken. */
export function where(cond: Tensor, a: TensorOrNumber, b: TensorOrNumber): Tensor {
  assertBool(cond, "where");
  const [ta, tb] = binaryOperands(a, b, "where");
  const outShape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, "where"), tb.shape, "where");
  const y = make(backend().where(cond.values as Uint8Array, cond.shape, ta.values, ta.shape, tb.values, tb.shape, outShape), outShape, ta.dtype);
  if (ta.dtype !== "float32") return y;
  return record("where", [ta, tb], y, (dy) => {
    const zero = zerosLike(dy);
    return [sumTo(where(cond, dy, zero), ta.shape), sumTo(where(cond, zero, dy), tb.shape)];
  });
}

/** Converts to another dtype (float to int32 truncates toward zero); float-to-float keeps the gradient. */
export function cast(x: Tensor, dtype: DType): Tensor {
  const t = asTensor(x, "cast");
  if (!isDType(dtype)) throw new TypeError(`cast: unknown dtype '${String(dtype)}'; use float32, int32 or bool`);
  if (t.dtype === dtype) return t;
  return make(backend().cast(t.values, dtype), t.shape, dtype);
}
