/**
 * Arrays whose current values live on a device. A backend that keeps tensors on a GPU (webgpu)
 * gives its kernels' outputs as ordinary typed arrays of the right length whose contents are
 * filled only when read: GPU work runs asynchronously, and a browser cannot wait for it
 * synchronously. Such a backend registers its store here, so that `tensor.data()` refuses to hand
 * out values that are not there yet, `await tensor.dataAsync()` brings them, and fit, evaluate and
 * predict read what they need once per batch. Without a device backend every call here is a no-op.
 */
import type { TypedArray } from "./dtype.js";

export interface DeviceArrays {
  /** The backend's name, for messages. */
  readonly name: string;
  /** Whether `a`'s values on the CPU are out of date (the device holds the current ones). */
  isStale(a: TypedArray): boolean;
  /**
   * Brings the current values of `arrays` to the CPU and lets go of their device copies: the CPU
   * holds the truth again (a later kernel uploads them anew).
   */
  read(arrays: readonly TypedArray[]): Promise<void>;
  /**
   * Keeps `arrays` on the device until they are read: uploaded once instead of at every kernel
   * that takes them (a model's weights while it evaluates). Writes to them on the CPU meanwhile are
   * not seen by the device.
   */
  hold(arrays: readonly TypedArray[]): void;
  /** Drops the device copies of `arrays` without reading them (the CPU is about to overwrite them). */
  discard(arrays: readonly TypedArray[]): void;
  /** Copies `source`'s current values into `target` on the device (a variable assigned a device value). */
  copy(target: TypedArray, source: TypedArray): void;
}

const stores = new Set<DeviceArrays>();

/** Registers a device backend's store (the backend does it when it loads). */
export function addDeviceArrays(store: DeviceArrays): void {
  stores.add(store);
}

/** The store that holds `a`'s current values, when they are not on the CPU. */
export function staleOn(a: TypedArray): DeviceArrays | undefined {
  for (const s of stores) if (s.isStale(a)) return s;
  return undefined;
}

/** Throws, naming the call, when `a`'s values are still on a device. */
export function assertOnHost(a: TypedArray, who: string): void {
  if (stores.size === 0) return;
  const store = staleOn(a);
  if (store) throw new Error(`${who}: the values are still on the ${store.name} device; read them first: await tensor.dataAsync()`);
}

/** Brings `arrays` to the CPU from every device that holds them (nothing to wait for without one). */
export async function readArrays(arrays: readonly TypedArray[]): Promise<void> {
  for (const s of stores) await s.read(arrays);
}

/** Keeps `arrays` on every device store until they are read. */
export function holdArrays(arrays: readonly TypedArray[]): void {
  for (const s of stores) s.hold(arrays);
}

/**
 * Runs `block`, then reads `arrays` (a function: the arrays as they are then), also when the block
 * throws; a read that fails after a failed block does not hide the block's error (the cause).
 */
export async function readingAfter<T>(block: () => Promise<T>, arrays: () => readonly TypedArray[]): Promise<T> {
  let result: T;
  try {
    result = await block();
  } catch (err) {
    await readArrays(arrays()).catch(() => {});
    throw err;
  }
  await readArrays(arrays());
  return result;
}

/** Drops every device copy of `arrays` (their CPU values are about to change). */
export function discardArrays(arrays: readonly TypedArray[]): void {
  for (const s of stores) s.discard(arrays);
}

/** Copies `source` into `target` on the device that holds `source`'s current values; false when none does. */
export function copyOnDevice(target: TypedArray, source: TypedArray): boolean {
  const store = staleOn(source);
  if (!store) return false;
  store.copy(target, source);
  return true;
}

/** Whether the backend named `backendName` keeps its arrays on a device (fit and evaluate then read per batch). */
export const isDeviceBackend = (backendName: string): boolean => [...stores].some((s) => s.name === backendName);
