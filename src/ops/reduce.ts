/** Reductions over axes: sum, mean, max, min, argmax, argmin, variance, logSumExp. */
import type { ReduceOp } from "../backends/kernels.js";
import { normalizeAxes, normalizeAxis, reducedShape, type Shape, shapesEqual, shapeToString, sizeOf } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { add, div, mul, sub } from "./arithmetic.js";
import { cast, equal } from "./compare.js";
import { asFloat, assertFloat, backend, f32, make, record } from "./core.js";
import { exp, log } from "./math.js";
import { broadcastTo, reshape, stopGradient } from "./shape.js";

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

function reduceWith(
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

export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor<"float32"> {
  const { y, keepShape } = reduceWith("sum", x, axes, keepDims, "sum");
  return record("sum", [x], y, (dy) => [broadcastTo(reshape(dy, keepShape), x.shape)]);
}

export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor<"float32"> {
  assertTensor(x, "mean");
  asFloat(x, "mean");
  const ax = normalizeAxes(axes, x.rank, "mean");
  const count = sizeOf(ax.map((a) => x.shape[a]));
  return mul(sum(x, ax, keepDims), 1 / count);
}

function extremum(op: "max" | "min", x: Tensor, axes: Axes | undefined, keepDims: boolean): Tensor<"float32"> {
  const { y, keepShape } = reduceWith(op, x, axes, keepDims, op);
  return record(op, [x], y, (dy) => {
    // ties share the gradient equally, as in TensorFlow
    const hits = cast(equal(x, reshape(y, keepShape)), "float32");
    const counts = sum(hits, normalizeAxes(axes, x.rank, op), true);
    return [mul(div(hits, counts), reshape(dy, keepShape))];
  });
}

export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor<"float32"> {
  return extremum("max", x, axes, keepDims);
}

export function min(x: Tensor, axes?: Axes, keepDims = false): Tensor<"float32"> {
  return extremum("min", x, axes, keepDims);
}

function argReduce(op: "argmax" | "argmin", x: Tensor, axis: number): Tensor<"int32"> {
  assertTensor(x, op);
  const xv = assertFloat(x, op);
  const a = normalizeAxis(axis, x.rank, op);
  if (x.shape[a] === 0) throw new RangeError(`${op}: axis ${a} of ${shapeToString(x.shape)} is empty`);
  const outer = sizeOf(x.shape.slice(0, a)),
    inner = sizeOf(x.shape.slice(a + 1));
  const values = backend().argReduce(op, xv, outer, x.shape[a], inner);
  return make(
    values,
    x.shape.filter((_, i) => i !== a),
    "int32",
  );
}

/** Index of the largest value along `axis` (default: last), as int32. */
export function argmax(x: Tensor, axis = -1): Tensor<"int32"> {
  return argReduce("argmax", x, axis);
}

export function argmin(x: Tensor, axis = -1): Tensor<"int32"> {
  return argReduce("argmin", x, axis);
}

/** Population variance (divides by n), as numpy.var and keras.ops.var. */
export function variance(x: Tensor, axes?: Axes, keepDims = false): Tensor<"float32"> {
  assertTensor(x, "variance");
  asFloat(x, "variance");
  normalizeAxes(axes, x.rank, "variance");
  const m = mean(x, axes, true);
  const d = sub(x, m);
  return mean(mul(d, d), axes, keepDims);
}

/** log(sum(exp(x))) computed without overflow. */
export function logSumExp(x: Tensor, axes?: Axes, keepDims = false): Tensor<"float32"> {
  assertTensor(x, "logSumExp");
  asFloat(x, "logSumExp");
  const ax = normalizeAxes(axes, x.rank, "logSumExp");
  // the sum over an empty axis is 0, its log -Infinity (as scipy.special.logsumexp)
  if (ax.some((a) => x.shape[a] === 0))
    return f32(new Float32Array(sizeOf(reducedShape(x.shape, ax, keepDims))).fill(-Infinity), reducedShape(x.shape, ax, keepDims));
  const m = stopGradient(max(x, axes, true));
  const finiteM = f32(
    m.values.map((v) => (Number.isFinite(v) ? v : 0)),
    m.shape,
  );
  const s = log(sum(exp(sub(x, finiteM)), axes, true));
  const y = add(s, finiteM);
  if (keepDims) return y;
  return reshape(y, reducedShape(x.shape, ax, false));
}

/** Sums a broadcast gradient back down to `shape` (the shape of the input that was broadcast). */
export function sumTo(dy: Tensor<"float32">, shape: Shape): Tensor<"float32"> {
  if (shapesEqual(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  return reshape(sum(dy, axes, true), shape);
}
