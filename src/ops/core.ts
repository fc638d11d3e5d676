/** What every op file shares: argument checks and turning kernel output into tensors. */
import type { DType, TypedArray } from "../tensor/dtype.js";
import { type Shape, shapeToString } from "../tensor/shape.js";
import { assertTensor, Tensor } from "../tensor/tensor.js";
import { allocate } from "../tensor/dtype.js";

import type { UnaryOp } from "../backends/kernels.js";
import { backend } from "../backends/registry.js";
import { record } from "../autodiff/tape.js";

export { backend, record };

export type TensorOrNumber = Tensor | number;

/** Wraps kernel output; shapes are trusted (the op computed them). */
export function make(values: TypedArray, shape: Shape, dtype: DType): Tensor {
  return new Tensor(values, shape, dtype);
}

export function f32(values: Float32Array, shape: Shape): Tensor {
  return new Tensor(values, shape, "float32");
}

/** A number becomes a scalar of `dtype`; a tensor is checked and returned. */
export function asTensor(x: TensorOrNumber, who: string, dtype: DType = "float32", what = "input"): Tensor {
  if (typeof x === "number") {
    const v = allocate(dtype, 1);
    v[0] = x;
    return new Tensor(v, [], dtype);
  }
  assertTensor(x, who, what);
  return x;
}

export function assertFloat(x: Tensor, who: string, what = "input"): Float32Array {
  if (x.dtype !== "float32") throw new TypeError(`${who}: ${what} must be float32, got ${x.dtype}`);
  return x.values as Float32Array;
}

export function assertInt(x: Tensor, who: string, what = "input"): Int32Array {
  if (x.dtype !== "int32") throw new TypeError(`${who}: ${what} must be int32, got ${x.dtype}`);
  return x.values as Int32Array;
}

export function assertRank(x: Tensor, rank: number, who: string, layout?: string): void {
  if (x.rank !== rank) {
    throw new RangeError(`${who}: expected input of rank ${rank}${layout ? ` ${layout}` : ""}, got ${shapeToString(x.shape)}`);
  }
}

/** Two operands of a binary op: numbers adopt the tensor's dtype; tensors must agree. */
export function binaryOperands(a: TensorOrNumber, b: TensorOrNumber, who: string): [Tensor, Tensor] {
  const dtype = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : "float32";
  const ta = asTensor(a, who, dtype, "first input");
  const tb = asTensor(b, who, dtype, "second input");
  if (ta.dtype !== tb.dtype) throw new TypeError(`${who}: dtypes differ: ${ta.dtype} and ${tb.dtype}; cast one first`);
  return [ta, tb];
}

/** An elementwise float op whose gradient is the backend's unaryGrad. */
export function unaryOp(op: UnaryOp, x: TensorOrNumber, alpha = 0): Tensor {
  const t = asTensor(x, op);
  const xv = assertFloat(t, op);
  const y = new Tensor(backend().unary(op, xv, alpha), t.shape, "float32");
  return record(op, [t], y, (dy) => [
    new Tensor(backend().unaryGrad(op, dy.values as Float32Array, xv, y.values as Float32Array, alpha), t.shape, "float32"),
  ]);
}
