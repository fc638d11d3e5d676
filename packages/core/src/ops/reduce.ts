/** Reductions over axes: mean, max, min, argmax, argmin, variance, logSumExp (sum is in broadcast.ts, beside its gradient). */
import { normalizeAxes, normalizeAxis, reducedShape, shapeToString, sizeOf } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { add, div, mul, sub } from "./arithmetic.js";
import { sum } from "./broadcast.js";
import { cast, equal, where } from "./compare.js";
import { type Axes, asFloat, assertFloat, backend, f32, make, record, reduceWith } from "./core.js";
import { exp, log } from "./math.js";
import { reshape, stopGradient } from "./shape.js";

export type { Axes } from "./core.js";

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
  // an infinite or NaN maximum shifts by 0 instead (m - m is 0 only where m is finite): kernels,
  // so that the shift stays where m is (a device's)
  const finiteM = stopGradient(where(equal(sub(m, m), 0), m, 0));
  const s = log(sum(exp(sub(x, finiteM)), axes, true));
  const y = add(s, finiteM);
  if (keepDims) return y;
  return reshape(y, reducedShape(x.shape, ax, false));
}
