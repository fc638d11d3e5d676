/** What every op file shares: argument checks and turning kernel output into tensors. */

import type { ReduceOp, UnaryOp } from "../backends/kernels.js";
import { backend } from "../backends/registry.js";
import { allocate, type DataFor, type DType, dtypeOf, type TypedArray } from "../tensor/dtype.js";
import { normalizeAxes, reducedShape, type Shape, shapeToString, sizeOf } from "../tensor/shape.js";
import { record } from "../tensor/tape.js";
import { assertTensor, isFloat32, isInt32, Tensor } from "../tensor/tensor.js";

export { backend, record };

export type TensorOrNumber = Tensor | number;
/** A tensor of dtype D or a number (which adopts the tensor operand's dtype). */
export type Operand<D extends DType> = Tensor<D> | number;

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
export function binaryOperands<D extends DType>(a: Operand<D>, b: Operand<D>, who: string): [Tensor<D>, Tensor<D>] {
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

/** Axes to reduce over: one, several, or (undefined) all. */
export type Axes = number | readonly number[];

/** Views x as [outer, n, inner] with the reduced axes in the middle (transposing if they are not adjacent). */
function asOuterNInner(x: Tensor<"float32">, axes: number[]): { values: Float32Array; outer: number; n: number; inner: number } {
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (contiguous && axes.length > 0) {
    const first = axes[0],
      last = axes[axes.length - 1];
    return {
      values: x.values,
      outer: sizeOf(x.shape.slice(0, first)),
      n: sizeOf(x.shape.slice(first, last + 1)),
      inner: sizeOf(x.shape.slice(last + 1)),
    };
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const order = [...kept, ...axes];
  const moved = make(
    backend().transpose(x.values, x.shape, order),
    order.map((i) => x.shape[i]),
    "float32",
  );
  return { values: moved.values, outer: sizeOf(kept.map((i) => x.shape[i])), n: sizeOf(axes.map((i) => x.shape[i])), inner: 1 };
}

/** Runs a reduce kernel over `axes` (sum, max, min); keepShape is the result with the axes kept as 1. */
export function reduceWith(
  op: ReduceOp,
  input: Tensor,
  axes: Axes | undefined,
  keepDims: boolean,
  who: string,
): { y: Tensor<"float32">; ax: number[]; keepShape: number[] } {
  assertTensor(input, who);
  const x = asFloat(input, who);
  const ax = normalizeAxes(axes, x.rank, who);
  const keepShape = reducedShape(x.shape, ax, true);
  const outShape = keepDims ? keepShape : reducedShape(x.shape, ax, false);
  if (ax.length === 0) return { y: f32(x.values, outShape), ax, keepShape };
  if (op !== "sum" && ax.some((a) => x.shape[a] === 0)) {
    throw new RangeError(`${who}: cannot reduce an empty axis of ${shapeToString(x.shape)}`);
  }
  const v = asOuterNInner(x, ax);
  return { y: f32(backend().reduce(op, v.values, v.outer, v.n, v.inner), outShape), ax, keepShape };
}
