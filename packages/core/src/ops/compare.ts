/** Comparisons (bool results, no gradient), logical ops, where and cast. */
import type { BinaryOp } from "../backends/kernels.js";
import { zerosLike } from "../tensor/creation.js";
import { assertOnHost } from "../tensor/device.js";
import type { DType } from "../tensor/dtype.js";
import { isDType } from "../tensor/dtype.js";
import { broadcastShapes } from "../tensor/shape.js";
import { assertTensor, hasDType, isBool, isFloat32, type Tensor } from "../tensor/tensor.js";
import { sumTo } from "./broadcast.js";
import { asTensor, backend, binaryOperands, make, type Operand, record } from "./core.js";

function compare<D extends DType>(op: BinaryOp, a: Operand<D>, b: Operand<D>): Tensor<"bool"> {
  const [ta, tb] = binaryOperands(a, b, op);
  const outShape = broadcastShapes(ta.shape, tb.shape, op);
  return make(backend().binary(op, ta.values, ta.shape, tb.values, tb.shape, outShape), outShape, "bool");
}

export const equal = <D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<"bool"> => compare("equal", a, b);
export const notEqual = <D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<"bool"> => compare("notEqual", a, b);
export const greater = <D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<"bool"> => compare("greater", a, b);
export const greaterEqual = <D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<"bool"> => compare("greaterEqual", a, b);
export const less = <D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<"bool"> => compare("less", a, b);
export const lessEqual = <D extends DType>(a: Operand<D>, b: Operand<D>): Tensor<"bool"> => compare("lessEqual", a, b);

function asBool(x: Tensor, who: string): Tensor<"bool"> {
  assertTensor(x, who);
  if (!isBool(x)) throw new TypeError(`${who}: expected a bool tensor, got ${x.dtype}`);
  return x;
}

export function logicalAnd(x: Tensor, y: Tensor): Tensor<"bool"> {
  const a = asBool(x, "logicalAnd"),
    b = asBool(y, "logicalAnd");
  const outShape = broadcastShapes(a.shape, b.shape, "logicalAnd");
  const prod = backend().binary("mul", a.values, a.shape, b.values, b.shape, outShape);
  return make(prod, outShape, "bool");
}

export function logicalNot(x: Tensor): Tensor<"bool"> {
  const a = asBool(x, "logicalNot");
  assertOnHost(a.values, "logicalNot");
  return make(
    a.values.map((v) => (v ? 0 : 1)),
    a.shape,
    "bool",
  );
}

/** Elementwise cond ? a : b, with broadcasting; the gradient goes to the branch that was taken. */
export function where<D extends DType>(condition: Tensor, a: Operand<D>, b: Operand<D>): Tensor<D> {
  const cond = asBool(condition, "where");
  const [ta, tb] = binaryOperands(a, b, "where");
  const outShape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, "where"), tb.shape, "where");
  const y = make(backend().where(cond.values, cond.shape, ta.values, ta.shape, tb.values, tb.shape, outShape), outShape, ta.dtype);
  if (!isFloat32(ta) || !isFloat32(tb)) return y;
  return record("where", [ta, tb], y, (dy) => {
    const zero = zerosLike(dy);
    return [sumTo(where(cond, dy, zero), ta.shape), sumTo(where(cond, zero, dy), tb.shape)];
  });
}

/** Converts to another dtype (float to int32 truncates toward zero); float-to-float keeps the gradient. */
export function cast<D extends DType>(x: Tensor, dtype: D): Tensor<D> {
  const t = asTensor(x, "cast");
  if (!isDType(dtype)) throw new TypeError(`cast: unknown dtype '${String(dtype)}'; use float32, int32 or bool`);
  if (hasDType(t, dtype)) return t;
  return make(backend().cast(t.values, dtype), t.shape, dtype);
}
