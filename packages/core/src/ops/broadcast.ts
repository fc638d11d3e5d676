/**
 * Broadcasting and summing, each the other's gradient: broadcastTo (a tile) sums its gradient back
 * down with sumTo, and sum broadcasts its gradient back up. They live together so that the other
 * ops (arithmetic's broadcasting gradients, reductions, shape ops) import them without a cycle.
 */
import type { DType } from "../tensor/dtype.js";
import { broadcastShapes, type Shape, shapesEqual, shapeToString, sizeOf } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { type Axes, backend, make, record, reduceWith } from "./core.js";
import { reshape } from "./shape.js";

export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor<"float32"> {
  const { y, keepShape } = reduceWith("sum", x, axes, keepDims, "sum");
  return record("sum", [x], y, (dy) => [broadcastTo(reshape(dy, keepShape), x.shape)]);
}

/** Sums a broadcast gradient back down to `shape` (the shape of the input that was broadcast). */
export function sumTo(dy: Tensor<"float32">, shape: Shape): Tensor<"float32"> {
  if (shapesEqual(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  return reshape(sum(dy, axes, true), shape);
}

/** Broadcasts x to `shape` by NumPy's rules (a copy). */
export function broadcastTo<D extends DType>(x: Tensor<D>, shape: Shape): Tensor<D> {
  assertTensor(x, "broadcastTo");
  const full = broadcastShapes(x.shape, shape, "broadcastTo");
  if (!shapesEqual(full, shape)) throw new RangeError(`broadcastTo: cannot broadcast ${shapeToString(x.shape)} to ${shapeToString(shape)}`);
  if (shapesEqual(x.shape, shape)) return x;
  const aligned = [...new Array<number>(shape.length - x.rank).fill(1), ...x.shape];
  const reps = shape.map((d, i) => (aligned[i] === 1 ? d : 1));
  if (sizeOf(shape) === 0) return make(x.values.slice(0, 0), [...shape], x.dtype);
  return tile(reshape(x, aligned), reps);
}

/** Repeats x reps[i] times along axis i. */
export function tile<D extends DType>(x: Tensor<D>, reps: readonly number[]): Tensor<D> {
  assertTensor(x, "tile");
  if (reps.length !== x.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new RangeError(`tile: reps [${reps.join(",")}] must be ${x.rank} non-negative integers for ${shapeToString(x.shape)}`);
  }
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const y = make(backend().tile(x.values, x.shape, reps), outShape, x.dtype);
  return record("tile", [x], y, (dy) => {
    // view dy as [r0, d0, r1, d1, ...] and sum over the repetition axes
    const split = x.shape.flatMap((d, i) => [reps[i], d]);
    const repAxes = x.shape.map((_, i) => 2 * i);
    return [
      reshape(
        sumTo(
          reshape(dy, split),
          split.map((d, i) => (repAxes.includes(i) ? 1 : d)),
        ),
        x.shape,
      ),
    ];
  });
}
