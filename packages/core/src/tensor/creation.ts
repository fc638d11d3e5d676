/** Creating tensors from data and from scratch. */
import { assertOnHost } from "./device.js";
import { allocate, castArray, type DType, dtypeOf, isDType, type TypedArray } from "./dtype.js";
import { generator } from "./random.js";
import { assertValidShape, type Shape, shapeToString, sizeOf } from "./shape.js";
import { Tensor } from "./tensor.js";

export type TensorLike = number | boolean | readonly TensorLike[] | TypedArray | Float64Array;
/** Numbers and nested arrays of numbers: always float32 unless a dtype says otherwise. */
export type NumberArray = number | readonly NumberArray[];

function inferShape(data: TensorLike): number[] {
  const shape: number[] = [];
  let cur: TensorLike = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  if (ArrayBuffer.isView(cur)) shape.push((cur as TypedArray).length);
  return shape;
}

function flatten(data: TensorLike, shape: number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (typeof data === "number") out.push(data);
    else if (typeof data === "boolean") out.push(data ? 1 : 0);
    else throw new TypeError(`tensor: expected a number at depth ${depth}, got ${Array.isArray(data) ? "an array" : typeof data}`);
    return;
  }
  const n = (data as ArrayLike<unknown>).length;
  if (!(Array.isArray(data) || ArrayBuffer.isView(data)) || n !== shape[depth]) {
    throw new RangeError(
      `tensor: ragged nested array: expected length ${shape[depth]} at depth ${depth}, got ${Array.isArray(data) || ArrayBuffer.isView(data) ? n : typeof data}`,
    );
  }
  for (let i = 0; i < n; i++) flatten((data as TensorLike[])[i], shape, depth + 1, out);
}

function firstLeaf(data: TensorLike): unknown {
  let cur: unknown = data;
  while (Array.isArray(cur) && cur.length > 0) cur = cur[0];
  return cur;
}

/**
 * A tensor from a number, boolean, (nested) array or typed array. Without a shape, the shape is
 * that of the nesting; without a dtype, an Int32Array gives int32 and other typed arrays float32,
 * booleans give bool, and everything else float32. A typed array of the right dtype is used
 * without a copy.
 */
export function tensor(data: NumberArray | Float32Array | Float64Array | Uint8Array, shape?: Shape): Tensor<"float32">;
export function tensor(data: Int32Array, shape?: Shape): Tensor<"int32">;
export function tensor<D extends DType>(data: TensorLike, shape: Shape | undefined, dtype: D): Tensor<D>;
export function tensor(data: TensorLike, shape?: Shape, dtype?: DType): Tensor;
export function tensor(data: TensorLike, shape?: Shape, dtype?: DType): Tensor {
  if (dtype !== undefined && !isDType(dtype)) throw new TypeError(`tensor: unknown dtype '${String(dtype)}'; use float32, int32 or bool`);
  if (shape !== undefined) assertValidShape(shape, "tensor");
  let values: TypedArray;
  if (ArrayBuffer.isView(data)) {
    const src = data as TypedArray | Float64Array;
    // Int32Array keeps int32; every other typed array (Uint8Array pixels included) becomes float32
    const dt = dtype ?? (src instanceof Int32Array ? "int32" : "float32");
    const reusable = (dt === "float32" && src instanceof Float32Array) || (dt === "int32" && src instanceof Int32Array);
    values = reusable ? (src as TypedArray) : castArray(src, dt);
    if (shape === undefined) shape = [src.length];
  } else {
    const natural: DType = typeof firstLeaf(data) === "boolean" ? "bool" : "float32";
    const dt = dtype ?? natural;
    const inferred = inferShape(data);
    const flat: number[] = [];
    flatten(data, inferred, 0, flat);
    for (const v of flat) if (typeof v !== "number") throw new TypeError(`tensor: non-numeric value ${String(v)}`);
    values = castArray(flat, dt);
    if (shape === undefined) shape = inferred;
  }
  if (sizeOf(shape) !== values.length) {
    throw new RangeError(`tensor: shape ${shapeToString(shape)} needs ${sizeOf(shape)} values, got ${values.length}`);
  }
  return new Tensor(values, [...shape], dtypeOf(values));
}

export function scalar<D extends DType = "float32">(value: number, dtype?: D): Tensor<D> {
  return tensor(value, [], dtype ?? ("float32" as D));
}

export function fill<D extends DType = "float32">(shape: Shape, value: number, dtype?: D): Tensor<D> {
  return filled(shape, value, dtype ?? ("float32" as D), "fill");
}

function filled<D extends DType>(shape: Shape, value: number, dtype: D, who: string): Tensor<D> {
  assertValidShape(shape, who);
  if (!isDType(dtype)) throw new TypeError(`${who}: unknown dtype '${String(dtype)}'; use float32, int32 or bool`);
  const values = allocate(dtype, sizeOf(shape));
  if (value !== 0) values.fill(dtype === "bool" ? (value ? 1 : 0) : value);
  return new Tensor(values, [...shape], dtype);
}

export function zeros<D extends DType = "float32">(shape: Shape, dtype?: D): Tensor<D> {
  return filled(shape, 0, dtype ?? ("float32" as D), "zeros");
}

export function ones<D extends DType = "float32">(shape: Shape, dtype?: D): Tensor<D> {
  return filled(shape, 1, dtype ?? ("float32" as D), "ones");
}

export function zerosLike<D extends DType>(x: Tensor<D>): Tensor<D> {
  return zeros(x.shape, x.dtype);
}

export function onesLike<D extends DType>(x: Tensor<D>): Tensor<D> {
  return ones(x.shape, x.dtype);
}

/** [start, start + step, ...) up to but excluding stop, like Python's range. */
export function range<D extends DType = "float32">(start: number, stop?: number, step = 1, dtype: D = "float32" as D): Tensor<D> {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`range: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = allocate(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return new Tensor(values, [n], dtype);
}

/** Identity matrix [n, m] (m defaults to n). */
export function eye<D extends DType = "float32">(n: number, m = n, dtype: D = "float32" as D): Tensor<D> {
  assertValidShape([n, m], "eye");
  const values = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return new Tensor(values, [n, m], dtype);
}

/** One-hot float32 rows from integer class indices; an index outside [0, depth) is an error. */
export function oneHot(indices: Tensor | number[], depth: number): Tensor<"float32"> {
  const idx = indices instanceof Tensor ? indices : tensor(indices, undefined, "int32");
  if (idx.dtype === "bool") throw new TypeError("oneHot: indices must be int32 or integral float32, got bool");
  if (!Number.isInteger(depth) || depth <= 0) throw new RangeError(`oneHot: depth must be a positive integer, got ${depth}`);
  assertOnHost(idx.values, "oneHot");
  const values = new Float32Array(idx.size * depth);
  for (let i = 0; i < idx.size; i++) {
    const k = idx.values[i];
    if (!Number.isInteger(k) || k < 0 || k >= depth) throw new RangeError(`oneHot: index ${k} at position ${i} is outside [0, ${depth})`);
    values[i * depth + k] = 1;
  }
  return new Tensor(values, [...idx.shape, depth], "float32");
}

export interface RandomOptions {
  seed?: number;
  dtype?: "float32";
}

export function randomUniform(shape: Shape, minval = 0, maxval = 1, options: RandomOptions = {}): Tensor<"float32"> {
  assertValidShape(shape, "randomUniform");
  const rng = generator(options.seed);
  const values = new Float32Array(sizeOf(shape));
  const span = maxval - minval;
  for (let i = 0; i < values.length; i++) values[i] = minval + span * rng.uniform();
  return new Tensor(values, [...shape], "float32");
}

export function randomNormal(shape: Shape, mean = 0, stddev = 1, options: RandomOptions = {}): Tensor<"float32"> {
  assertValidShape(shape, "randomNormal");
  const rng = generator(options.seed);
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = mean + stddev * rng.normal();
  return new Tensor(values, [...shape], "float32");
}

/** Normal values redrawn until within two standard deviations of the mean (as Keras does). */
export function truncatedNormal(shape: Shape, mean = 0, stddev = 1, options: RandomOptions = {}): Tensor<"float32"> {
  assertValidShape(shape, "truncatedNormal");
  const rng = generator(options.seed);
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) {
    let z: number;
    do z = rng.normal();
    while (Math.abs(z) > 2);
    values[i] = mean + stddev * z;
  }
  return new Tensor(values, [...shape], "float32");
}
