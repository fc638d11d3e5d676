/**
 * Reused Int32Arrays for a compiled backend's small integer arguments: shapes, strides, geometries, specs.
 * V8 keeps a typed array of up to 64 bytes on its own heap and moves it off (a new backing store
 * and a copy) when native code asks for its data: 1-3 µs per array and call, more than the kernel
 * of a small op takes. These views live off the heap from the start and are refilled for each
 * call; the addon reads them only while the call runs, and calls never nest.
 */

const SLOTS = 4;
const MAX_INTS = 16;
const memory = new ArrayBuffer(SLOTS * MAX_INTS * 4);
// one view per slot and length, made on first use: the addon takes an array's length as its size
const views: (Int32Array | undefined)[][] = Array.from({ length: SLOTS }, () => new Array<Int32Array | undefined>(MAX_INTS + 1));

/** `values` as an Int32Array in argument slot `slot` (0-3; one slot per array of the same call). */
export function intArg(slot: number, values: ArrayLike<number>): Int32Array {
  const n = values.length;
  if (n > MAX_INTS) return Int32Array.from(values);
  let v = views[slot][n];
  if (!v) {
    v = new Int32Array(memory, slot * MAX_INTS * 4, n);
    views[slot][n] = v;
  }
  for (let i = 0; i < n; i++) v[i] = values[i];
  return v;
}
