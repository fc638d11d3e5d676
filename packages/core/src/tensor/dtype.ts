import { SMALL_ARRAY_MAX, smallFloat32 } from "./small-arrays.js";

/** Element types: float32 for values, int32 for labels and indices, bool (stored as bytes) for masks. */
export type DType = "float32" | "int32" | "bool";
export type TypedArray = Float32Array | Int32Array | Uint8Array;
export type DataFor<D extends DType> = D extends "float32" ? Float32Array : D extends "int32" ? Int32Array : Uint8Array;

export function isDType(x: unknown): x is DType {
  return x === "float32" || x === "int32" || x === "bool";
}

const ARRAY_TYPES = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

/** A zero-filled array; small float32 ones are views into a shared slab (small-arrays.ts). */
export function allocate<D extends DType>(dtype: D, size: number): DataFor<D> {
  if (dtype === "float32" && size <= SMALL_ARRAY_MAX) return smallFloat32(size) as DataFor<D>;
  return new ARRAY_TYPES[dtype](size) as DataFor<D>;
}

export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Int32Array) return "int32";
  return "bool";
}

/** Copies `src` into a new array of `dtype`, rounding toward zero for int32 and testing != 0 for bool. */
export function castArray<D extends DType>(src: ArrayLike<number>, dtype: D): DataFor<D> {
  const n = src.length;
  const out = allocate(dtype, n);
  if (dtype === "bool") for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0;
  else if (dtype === "int32") for (let i = 0; i < n; i++) out[i] = Math.trunc(src[i]);
  else for (let i = 0; i < n; i++) out[i] = src[i];
  return out;
}

/** The dtype two operands are computed in: float32 wins over int32, int32 over bool. */
export function upcast(a: DType, b: DType): DType {
  if (a === "float32" || b === "float32") return "float32";
  if (a === "int32" || b === "int32") return "int32";
  return "bool";
}
