/** What every op file shares: argument checks and turning kernel output into tensors. */

import { record } from "../autodiff/tape.js";
import type { UnaryOp } from "../backends/kernels.js";
import { backend } from "../backends/registry.js";
import { allocate, type DataFor, type DType, dtypeOf, type TypedArray } from "../tensor/dtype.js";
import { type Shape, shapeToString } from "../tensor/shape.js";
import { assertTensor, isFloat32, isInt32, Tensor } from "../tensor/tensor.js";

export { backend, record };

export type TensorOrNumber = Tensor | number;

/**
 * Wraps kernel output; shapes are trusted (the op computed them). The kernels' data-movement
 * signatures return any typed array, so the dtype is checked here, once, for all of them.
 */
export function make<D extends DType>(values: TypedArray, shape: Shape, dtype: D): Tensor<D> {
  if (dtypeOf(values) !== dtype) throw new TypeError(`internal: a kernel returned ${dtypeOf(values)} data for a ${dtype} result`);
  return new Tensor(values as DataFor<D>, shape, dtype);
}

export function f32(values: Float32Array, shape: Shape): Tensor<"float32"> {
  return new Tensor(values, shape, "float32");
}

/** A number becomes a scalar of `dtype`; a tensor is checked and returned. */
export function asTensor(x: TensorOrNumber, who: string, dtype: DType = "float32", what = "input"): Tensor {
  if (typeof x === "number") {
    const v = allocate(dtype, 1);
    v[0] = x;
    return new Tensor<DType>(v, [], dtype);
  }
  assertTensor(x, who, what);
  return x;
}

/** The float32 data of x; any other dtype is a TypeError naming the op. */
export function assertFloat(x: Tensor, who: string, what = "input"): Float32Array {
  return asFloat(x, who, what).values;
}

/** x as a float32 tensor; any other dtype is a TypeError naming the op. */
export function asFloat(x: Tensor, who: string, what = "input"): Tensor<"float32"> {
  if (!isFloat32(x)) throw new TypeError(`${who}: ${what} must be float32, got ${x.dtype}`);
  return x;
}

export function assertInt(x: Tensor, who: string, what = "input"): Int32Array {
  if (!isInt32(x)) throw new TypeError(`${who}: ${what} must be int32, got ${x.dtype}`);
  return x.values;
}

export function assertRank(x: Tensor, rank: number, who: string, layout?: string): void {
  if (x.rank !== rank) {
    throw new RangeError(`${who}: expected input of rank ${rank}${layout ? ` ${layout}` : ""}, got ${shapeToString(x.shape)}`);
  }
}

/** Two operands of a binary op: numbers adopt the tensor's dtype; tensors must agree. */
export function binaryOperands<D extends DType>(a: Tensor<D> | number, b: Tensor<D> | number, who: string): [Tensor<D>, Tensor<D>] {
  const dtype = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : "float32";
  // a number becomes a scalar of the other operand's dtype D (float32 when both are numbers)
  const ta = asTensor(a, who, dtype, "first input") as Tensor<D>;
  const tb = asTensor(b, who, dtype, "second input") as Tensor<D>;
  if (ta.dtype !== tb.dtype) throw new TypeError(`${who}: dtypes differ: ${ta.dtype} and ${tb.dtype}; cast one first`);
  return [ta, tb];
}

/** An elementwise float op whose gradient is the backend's unaryGrad. */
export function unaryOp(op: UnaryOp, x: TensorOrNumber, alpha = 0): Tensor<"float32"> {
  const t = asTensor(x, op);
  const xv = assertFloat(t, op);
  const y = f32(backend().unary(op, xv, alpha), t.shape);
  return record(op, [t], y, (dy) => [f32(backend().unaryGrad(op, dy.values, xv, y.values, alpha), t.shape)]);
}
