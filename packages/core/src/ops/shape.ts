/** Shape and data-movement ops: reshape, transpose, concat, slice, gather, pad, flip, ... (tile and broadcastTo: broadcast.ts). */

import type { DType } from "../tensor/dtype.js";
import { inferReshape, normalizeAxes, normalizeAxis, type Shape, shapesEqual, shapeToString } from "../tensor/shape.js";
import { assertTensor, isInt32, Tensor } from "../tensor/tensor.js";
import { backend, f32, make, record } from "./core.js";

/**
 * Same values, new shape (no copy); one dimension may be -1. The two share storage for good: a
 * small tensor's values leave the shared slab first (sharedValues()), as they would on the first data().
 */
export function reshape<D extends DType>(x: Tensor<D>, shape: Shape): Tensor<D> {
  assertTensor(x, "reshape");
  const target = inferReshape(x.size, shape, "reshape", x.shape);
  if (shapesEqual(target, x.shape)) return x;
  return record("reshape", [x], make(x.sharedValues(), target, x.dtype), (dy) => [reshape(dy, x.shape)]);
}

/** Removes size-1 dimensions (all of them, or the given axes, which must have size 1). */
export function squeeze<D extends DType>(x: Tensor<D>, axes?: number | number[]): Tensor<D> {
  assertTensor(x, "squeeze");
  const drop = axes === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes(axes, x.rank, "squeeze");
  for (const a of drop) {
    if (x.shape[a] !== 1) throw new RangeError(`squeeze: axis ${a} of ${shapeToString(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !drop.includes(i)),
  );
}

/** Inserts a size-1 dimension at `axis` (negative counts from the end of the result). */
export function expandDims<D extends DType>(x: Tensor<D>, axis = 0): Tensor<D> {
  assertTensor(x, "expandDims");
  const a = normalizeAxis(axis, x.rank + 1, "expandDims");
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** The same values, detached from any gradient tape. */
export function stopGradient<D extends DType>(x: Tensor<D>): Tensor<D> {
  assertTensor(x, "stopGradient");
  return make(x.sharedValues(), x.shape, x.dtype);
}

/** Permutes dimensions (default: reverses them). */
export function transpose<D extends DType>(x: Tensor<D>, perm?: readonly number[]): Tensor<D> {
  assertTensor(x, "transpose");
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new RangeError(`transpose: perm [${p.join(",")}] is not a permutation of the ${x.rank} axes of ${shapeToString(x.shape)}`);
  }
  if (p.every((v, i) => v === i)) return x;
  const outShape = p.map((i) => x.shape[i]);
  const y = make(backend().transpose(x.values, x.shape, p), outShape, x.dtype);
  const inverse = new Array<number>(p.length);
  p.forEach((v, i) => (inverse[v] = i));
  return record("transpose", [x], y, (dy) => [transpose(dy, inverse)]);
}

export function concat<D extends DType>(xs: readonly Tensor<D>[], axis = 0): Tensor<D> {
  if (!Array.isArray(xs as unknown) || xs.length === 0) throw new RangeError("concat: expected a non-empty array of tensors");
  xs.forEach((x, i) => assertTensor(x, "concat", `tensor ${i}`));
  const first = xs[0];
  const a = normalizeAxis(axis, first.rank, "concat");
  for (const x of xs) {
    if (x.dtype !== first.dtype) throw new TypeError(`concat: dtypes differ: ${first.dtype} and ${x.dtype}`);
    if (x.rank !== first.rank || x.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new RangeError(`concat: shapes ${shapeToString(first.shape)} and ${shapeToString(x.shape)} differ outside axis ${a}`);
    }
  }
  if (xs.length === 1) return first;
  const outShape = [...first.shape];
  outShape[a] = xs.reduce((s, x) => s + x.shape[a], 0);
  const y = make(
    backend().concat(
      xs.map((x) => x.values),
      xs.map((x) => x.shape),
      a,
    ),
    outShape,
    first.dtype,
  );
  return record("concat", xs, y, (dy) => {
    let start = 0;
    return xs.map((x) => {
      const begin = x.shape.map((_, i) => (i === a ? start : 0));
      start += x.shape[a];
      return slice(dy, begin, x.shape);
    });
  });
}

export function stack<D extends DType>(xs: readonly Tensor<D>[], axis = 0): Tensor<D> {
  if (!Array.isArray(xs as unknown) || xs.length === 0) throw new RangeError("stack: expected a non-empty array of tensors");
  xs.forEach((x, i) => assertTensor(x, "stack", `tensor ${i}`));
  for (const x of xs) {
    if (!shapesEqual(x.shape, xs[0].shape)) throw new RangeError(`stack: shapes differ: ${shapeToString(xs[0].shape)} and ${shapeToString(x.shape)}`);
  }
  const a = normalizeAxis(axis, xs[0].rank + 1, "stack");
  return concat(
    xs.map((x) => expandDims(x, a)),
    a,
  );
}

export function unstack<D extends DType>(x: Tensor<D>, axis = 0): Tensor<D>[] {
  assertTensor(x, "unstack");
  const a = normalizeAxis(axis, x.rank, "unstack");
  return split(x, x.shape[a], a).map((t) => squeeze(t, a));
}

/** Splits into `n` equal parts or parts of the given sizes along `axis`. */
export function split<D extends DType>(x: Tensor<D>, numOrSizes: number | number[], axis = 0): Tensor<D>[] {
  assertTensor(x, "split");
  const a = normalizeAxis(axis, x.rank, "split");
  const dim = x.shape[a];
  let sizes: number[];
  if (typeof numOrSizes === "number") {
    if (!Number.isInteger(numOrSizes) || numOrSizes <= 0 || dim % numOrSizes !== 0) {
      throw new RangeError(`split: cannot split axis ${a} of size ${dim} into ${numOrSizes} equal parts`);
    }
    sizes = new Array<number>(numOrSizes).fill(dim / numOrSizes);
  } else {
    sizes = numOrSizes;
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((s, v) => s + v, 0) !== dim) {
      throw new RangeError(`split: sizes [${sizes.join(",")}] must be non-negative integers summing to ${dim} (axis ${a})`);
    }
  }
  let start = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === a ? start : 0));
    const size = x.shape.map((d, i) => (i === a ? s : d));
    start += s;
    return slice(x, begin, size);
  });
}

/** The block starting at `begin` with `size` (-1: to the end) along each axis. */
export function slice<D extends DType>(x: Tensor<D>, begin: readonly number[], size?: readonly number[]): Tensor<D> {
  assertTensor(x, "slice");
  if (begin.length !== x.rank || (size && size.length !== x.rank)) {
    throw new RangeError(`slice: begin [${begin.join(",")}] and size [${size?.join(",") ?? ""}] must have one entry per axis of ${shapeToString(x.shape)}`);
  }
  const sz = x.shape.map((d, i) => (size === undefined || size[i] === -1 ? d - begin[i] : size[i]));
  for (let i = 0; i < x.rank; i++) {
    if (!Number.isInteger(begin[i]) || !Number.isInteger(sz[i]) || begin[i] < 0 || sz[i] < 0 || begin[i] + sz[i] > x.shape[i]) {
      throw new RangeError(`slice: begin [${begin.join(",")}] size [${sz.join(",")}] is out of bounds for ${shapeToString(x.shape)}`);
    }
  }
  if (shapesEqual(sz, x.shape)) return x;
  const y = make(backend().slice(x.values, x.shape, begin, sz), sz, x.dtype);
  return record("slice", [x], y, (dy) => [
    pad(
      dy,
      x.shape.map((d, i) => [begin[i], d - begin[i] - sz[i]] as [number, number]),
    ),
  ]);
}

/** Rows (or entries along `axis`) of x at the given int32 indices. */
export function gather<D extends DType>(x: Tensor<D>, indices: Tensor | number[], axis = 0): Tensor<D> {
  assertTensor(x, "gather");
  if (!(indices instanceof Tensor)) {
    // Int32Array.from would truncate 1.5 to 1 and take the wrong row without a word
    const bad = indices.findIndex((k) => !Number.isInteger(k));
    if (bad >= 0) throw new TypeError(`gather: indices must be integers, got ${indices[bad]} at position ${bad}`);
  }
  const idx = indices instanceof Tensor ? indices : make(Int32Array.from(indices), [indices.length], "int32");
  if (!isInt32(idx)) throw new TypeError(`gather: indices must be int32, got ${idx.dtype}`);
  const a = normalizeAxis(axis, x.rank, "gather");
  const outShape = [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)];
  const y = make(backend().gather(x.values, x.shape, idx.values, a), outShape, x.dtype);
  return record("gather", [x], y, (dy) => [f32(backend().scatterAdd(dy.values, idx.values, x.shape, a), x.shape)]);
}

/** Pads each axis with [before, after] elements of `value`. */
export function pad<D extends DType>(x: Tensor<D>, paddings: readonly (readonly [number, number])[], value = 0): Tensor<D> {
  assertTensor(x, "pad");
  if (paddings.length !== x.rank || paddings.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new RangeError(`pad: expected ${x.rank} pairs of non-negative integers for ${shapeToString(x.shape)}, got ${JSON.stringify(paddings)}`);
  }
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const y = make(backend().pad(x.values, x.shape, paddings, value), outShape, x.dtype);
  return record("pad", [x], y, (dy) => [
    slice(
      dy,
      paddings.map((p) => p[0]),
      x.shape,
    ),
  ]);
}

export function flip<D extends DType>(x: Tensor<D>, axes?: number | number[]): Tensor<D> {
  assertTensor(x, "flip");
  const ax = normalizeAxes(axes, x.rank, "flip");
  const y = make(backend().flip(x.values, x.shape, ax), x.shape, x.dtype);
  return record("flip", [x], y, (dy) => [flip(dy, ax)]);
}
