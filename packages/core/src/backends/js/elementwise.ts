/** Broadcasting kernels of the TypeScript backend: binary ops, comparisons, where, cast. */
import { allocate, castArray, type DType, dtypeOf, type TypedArray } from "../../tensor/dtype.js";
import { type Shape, sizeOf } from "../../tensor/shape.js";
import { type BinaryOp, isComparison } from "../kernels.js";

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
};

/**
 * Strides of `shape` seen through broadcasting to `outShape`: 0 along broadcast dimensions,
 * right-aligned, as NumPy does.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = i + rank - shape.length;
    strides[o] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Calls visit(outIndex, aIndex, bIndex) for every output element in row-major order, walking the
 * innermost dimension in a tight loop.
 */
function forEachBroadcast(
  outShape: Shape,
  aStrides: number[],
  bStrides: number[],
  inner: (o: number, ai: number, bi: number, n: number, as: number, bs: number) => void,
): void {
  const rank = outShape.length;
  const total = sizeOf(outShape);
  if (total === 0) return;
  if (rank === 0) {
    inner(0, 0, 0, 1, 0, 0);
    return;
  }
  const last = outShape[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let ai = 0,
    bi = 0;
  for (let o = 0; o < total; o += last) {
    inner(o, ai, bi, last, aStrides[rank - 1], bStrides[rank - 1]);
    // advance the odometer over all but the last dimension
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      ai += aStrides[d];
      bi += bStrides[d];
      if (idx[d] < outShape[d]) break;
      ai -= aStrides[d] * outShape[d];
      bi -= bStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

export function binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
  const outDtype: DType = isComparison(op) ? "bool" : dtypeOf(a);
  const total = sizeOf(outShape);
  const out = allocate(outDtype, total);
  const f = BINARY[op];
  if (a.length === total && b.length === total) {
    switch (op) {
      case "add":
        for (let i = 0; i < total; i++) out[i] = a[i] + b[i];
        return out;
      case "sub":
        for (let i = 0; i < total; i++) out[i] = a[i] - b[i];
        return out;
      case "mul":
        for (let i = 0; i < total; i++) out[i] = a[i] * b[i];
        return out;
      default:
        for (let i = 0; i < total; i++) out[i] = f(a[i], b[i]);
        return out;
    }
  }
  if (b.length === 1) {
    const s = b[0];
    for (let i = 0; i < total; i++) out[i] = f(a[i], s);
    return out;
  }
  if (a.length === 1) {
    const s = a[0];
    for (let i = 0; i < total; i++) out[i] = f(s, b[i]);
    return out;
  }
  forEachBroadcast(outShape, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape), (o, ai, bi, n, as, bs) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = f(a[ai], b[bi]);
  });
  return out;
}

export function where(cond: Uint8Array, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
  const total = sizeOf(outShape);
  const out = allocate(dtypeOf(a), total);
  const cs = broadcastStrides(condShape, outShape);
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  const rank = outShape.length;
  const idx = new Array<number>(rank).fill(0);
  let ci = 0,
    ai = 0,
    bi = 0;
  for (let o = 0; o < total; o++) {
    out[o] = cond[ci] ? a[ai] : b[bi];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ci += cs[d];
      ai += as[d];
      bi += bs[d];
      if (idx[d] < outShape[d]) break;
      ci -= cs[d] * outShape[d];
      ai -= as[d] * outShape[d];
      bi -= bs[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

export function cast(x: TypedArray, dtype: DType): TypedArray {
  return castArray(x, dtype);
}
