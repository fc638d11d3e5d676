/** Row (first-axis) slicing and picking for batching, shared by the training loop and recipes. */
import { gather, slice } from "../ops/shape.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/** Rows [start, start + count) of t (t itself when that is every row). */
export function sliceRows<D extends DType>(t: Tensor<D>, start: number, count: number): Tensor<D> {
  if (start === 0 && count === t.shape[0]) return t;
  return slice(t, [start, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1)]);
}

/** The rows of t at `indices`, in that order. */
export function pickRows<D extends DType>(t: Tensor<D>, indices: number[]): Tensor<D> {
  return gather(t, indices, 0);
}

/** [start, count] of each batch of `batchSize` over n rows, in order. */
export function batchRanges(n: number, batchSize: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < n; start += batchSize) out.push([start, Math.min(batchSize, n - start)]);
  return out;
}
