/** Shapes are plain arrays of non-negative integers; helpers here validate and combine them. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function shapeToString(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function assertValidShape(shape: Shape, who: string): void {
  if (!Array.isArray(shape)) throw new TypeError(`${who}: shape must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${who}: shape dimensions must be non-negative integers, got ${shapeToString(shape)}`);
    }
  }
}

/** Row-major strides of a contiguous array of `shape`. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** NumPy broadcasting: align from the right; each pair of dims must be equal or one of them 1. */
export function broadcastShapes(a: Shape, b: Shape, who: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`${who}: shapes ${shapeToString(a)} and ${shapeToString(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative axis against `rank`, with an error naming the op. */
export function normalizeAxis(axis: number, rank: number, who: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${who}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Sorted, de-duplicated, non-negative axes; undefined means all axes. */
export function normalizeAxes(axes: number | readonly number[] | undefined, rank: number, who: string): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  const out = [...new Set(list.map((a) => normalizeAxis(a, rank, who)))].sort((x, y) => x - y);
  return out;
}

/** Shape after reducing `axes` (sorted, non-negative). */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

/** Resolves one -1 in a reshape target against `size`. */
export function inferReshape(size: number, target: Shape, who: string, from: Shape): number[] {
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < target.length; i++) {
    const d = target[i];
    if (d === -1) {
      if (unknown >= 0) throw new RangeError(`${who}: only one dimension can be -1, got ${shapeToString(target)}`);
      unknown = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${who}: shape dimensions must be non-negative integers or -1, got ${shapeToString(target)}`);
    } else known *= d;
  }
  const out = [...target];
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new RangeError(`${who}: cannot reshape ${shapeToString(from)} (${size} elements) into ${shapeToString(target)}`);
    }
    out[unknown] = size / known;
  } else if (known !== size) {
    throw new RangeError(`${who}: cannot reshape ${shapeToString(from)} (${size} elements) into ${shapeToString(target)}`);
  }
  return out;
}
