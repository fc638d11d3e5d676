/** Data-movement kernels: they copy elements between layouts and work for every dtype. */

import { allocate, dtypeOf, type TypedArray } from "../../tensor/dtype.js";
import { type Shape, sizeOf, stridesOf } from "../../tensor/shape.js";
import type { F32 } from "../kernels.js";

function like(x: TypedArray, size: number): TypedArray {
  return allocate(dtypeOf(x), size);
}

/**
 * Copies the elements of a strided view into a contiguous array: out[i0..ik] = x[off + sum(i_d * s_d)].
 * The innermost dimension runs in a tight loop; every movement kernel reduces to this.
 */
function gatherStrided(x: TypedArray, out: TypedArray, outShape: Shape, srcStrides: readonly number[], srcOffset: number): void {
  const total = out.length;
  if (total === 0) return;
  // merge axes that are contiguous in the source, so the inner loop runs as long as possible
  // (a row slice of [n, 28, 28, 1] becomes one block copy instead of 784 one-element copies per row)
  const dims: number[] = [],
    steps: number[] = [];
  for (let d = 0; d < outShape.length; d++) {
    if (outShape[d] === 1) continue;
    const k = dims.length - 1;
    if (k >= 0 && steps[k] === srcStrides[d] * outShape[d]) {
      dims[k] *= outShape[d];
      steps[k] = srcStrides[d];
    } else {
      dims.push(outShape[d]);
      steps.push(srcStrides[d]);
    }
  }
  const rank = dims.length;
  if (rank === 0) {
    out[0] = x[srcOffset];
    return;
  }
  const last = dims[rank - 1];
  const ls = steps[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let src = srcOffset;
  for (let o = 0; o < total; o += last) {
    // a subarray and set cost about what copying 100 elements one by one does
    if (ls === 1 && last >= 128) out.set(x.subarray(src, src + last), o);
    else for (let j = 0, s = src; j < last; j++, s += ls) out[o + j] = x[s];
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      src += steps[d];
      if (idx[d] < dims[d]) break;
      src -= steps[d] * dims[d];
      idx[d] = 0;
    }
  }
}

export function transpose(x: TypedArray, shape: Shape, perm: readonly number[]): TypedArray {
  const strides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const out = like(x, x.length);
  // 2-D fast path (blocked for cache reuse): the common case of matrix and NHWC<->NCHW-like swaps
  if (shape.length === 2 && perm[0] === 1) {
    const [r, c] = shape;
    const B = 32;
    for (let i0 = 0; i0 < r; i0 += B)
      for (let j0 = 0; j0 < c; j0 += B) {
        const i1 = Math.min(i0 + B, r),
          j1 = Math.min(j0 + B, c);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * r + i] = x[i * c + j];
      }
    return out;
  }
  gatherStrided(
    x,
    out,
    outShape,
    perm.map((p) => strides[p]),
    0,
  );
  return out;
}

export function slice(x: TypedArray, shape: Shape, begin: readonly number[], size: readonly number[]): TypedArray {
  const strides = stridesOf(shape);
  let offset = 0;
  for (let d = 0; d < shape.length; d++) offset += begin[d] * strides[d];
  const out = like(x, sizeOf(size));
  gatherStrided(x, out, size, strides, offset);
  return out;
}

export function pad(x: TypedArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number): TypedArray {
  const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const out = like(x, sizeOf(outShape));
  if (value !== 0) out.fill(value);
  if (x.length === 0) return out;
  const outStrides = stridesOf(outShape);
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0];
    return out;
  }
  const last = shape[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let dst = 0;
  for (let d = 0; d < rank; d++) dst += paddings[d][0] * outStrides[d];
  for (let src = 0; src < x.length; src += last) {
    out.set(x.subarray(src, src + last), dst);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      dst += outStrides[d];
      if (idx[d] < shape[d]) break;
      dst -= outStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

export function concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number): TypedArray {
  const outer = sizeOf(shapes[0].slice(0, axis));
  const chunks = shapes.map((s) => sizeOf(s.slice(axis)));
  const rowLen = chunks.reduce((a, b) => a + b, 0);
  const out = like(xs[0], outer * rowLen);
  let col = 0;
  for (let k = 0; k < xs.length; k++) {
    const c = chunks[k],
      x = xs[k];
    for (let o = 0; o < outer; o++) out.set(x.subarray(o * c, (o + 1) * c), o * rowLen + col);
    col += c;
  }
  return out;
}

export function gather(x: TypedArray, shape: Shape, indices: Int32Array, axis: number): TypedArray {
  const outer = sizeOf(shape.slice(0, axis));
  const n = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const m = indices.length;
  const out = like(x, outer * m * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const k = indices[i];
      if (!(k >= 0 && k < n)) throw new RangeError(`gather: index ${k} is out of range [0, ${n}) along axis ${axis}`);
      const src = (o * n + k) * inner;
      out.set(x.subarray(src, src + inner), (o * m + i) * inner);
    }
  }
  return out;
}

export function scatterAdd(dy: F32, indices: Int32Array, shape: Shape, axis: number): F32 {
  const outer = sizeOf(shape.slice(0, axis));
  const n = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const m = indices.length;
  const out = new Float32Array(sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < m; i++) {
      const dst = (o * n + indices[i]) * inner;
      const src = (o * m + i) * inner;
      for (let j = 0; j < inner; j++) out[dst + j] += dy[src + j];
    }
  }
  return out;
}

/**
 * Repeats x reps[d] times along each axis, one axis at a time from the innermost: every block of
 * the axes inside it is copied reps[d] times in a row (a fill for single elements, block copies
 * otherwise), so the work is a few copies per block rather than index arithmetic per element.
 */
export function tile(x: TypedArray, shape: Shape, reps: readonly number[]): TypedArray {
  const outShape = shape.map((d, i) => d * reps[i]);
  const total = sizeOf(outShape);
  if (x.length === 1 || total === 0) {
    const out = like(x, total);
    if (total) out.fill(x[0]);
    return out;
  }
  let cur = x;
  let block = 1;
  const rank = shape.length;
  for (let d = rank - 1; d >= 0; d--) {
    block *= shape[d];
    const r = reps[d];
    if (r === 1) continue;
    const outer = cur.length / block;
    const next = like(x, cur.length * r);
    for (let o = 0; o < outer; o++) {
      const src = o * block,
        dst = src * r;
      if (block === 1) next.fill(cur[src], dst, dst + r);
      else {
        next.set(cur.subarray(src, src + block), dst);
        for (let k = 1; k < r; k++) next.copyWithin(dst + k * block, dst, dst + block);
      }
    }
    cur = next;
    block *= r;
  }
  return cur === x ? x.slice() : cur;
}

export function flip(x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray {
  const strides = stridesOf(shape);
  let offset = 0;
  const srcStrides = strides.map((s, d) => {
    if (!axes.includes(d)) return s;
    offset += (shape[d] - 1) * s;
    return -s;
  });
  const out = like(x, x.length);
  gatherStrided(x, out, shape, srcStrides, offset);
  return out;
}
