/**
 * Calling the module's entry points from JavaScript with the native addon's arguments (typed
 * arrays, numbers, booleans, null): each typed array is copied into the module's memory, the
 * arguments are laid out as 24-byte slots (native/wasm_args.h), the entry point runs by index,
 * and the arrays the kernel fills are copied back. The copies are what the module's separate
 * memory costs; a failed check throws the TypeError the addon would, naming the kernel.
 */
import type { AddonKernels } from "@kerno/core/backends/compiled/addon.gen.js";
import { BINDINGS } from "./bindings.gen.js";

/** What the build exports (scripts/build-wasm.mjs). */
export interface KernelModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _kerno_call(index: number, slots: number, n: number, failed: number): number;
  _kerno_error(): number;
  _kerno_entries(): number;
  _kerno_threads(): number;
  _kerno_limit_threads(threads: number): void;
  /** The threaded builds' shared memory, which any thread may grow. */
  wasmMemory?: WebAssembly.Memory;
  UTF8ToString(ptr: number): string;
}

type Arg = Float32Array | Int32Array | Uint8Array | number | boolean | null | undefined;
const SLOT = 24;
type Typed = Float32Array | Int32Array | Uint8Array;
/** A typed array's slot kind (wasm_args.h) and its base class (a Node Buffer is a Uint8Array), or -1 for another array. */
function kindOf(a: ArrayBufferView): [number, (new (buffer: ArrayBufferLike, offset: number, length: number) => Typed) | null] {
  if (a instanceof Float32Array) return [3, Float32Array];
  if (a instanceof Int32Array) return [4, Int32Array];
  if (a instanceof Uint8Array) return [5, Uint8Array];
  return [-1, null];
}
const align8 = (n: number) => (n + 7) & ~7;
/**
 * The module's memory as bytes, as it is now. With threads, another thread may have grown it, and
 * Emscripten renews a thread's HEAP views only when that thread grows it: those views then end
 * short of what malloc hands out.
 */
const heap = (m: KernelModule): Uint8Array => (m.wasmMemory ? new Uint8Array(m.wasmMemory.buffer) : m.HEAPU8);

/** The module's entry points as an object with the addon's shape (AddonKernels). */
export function moduleKernels(m: KernelModule): AddonKernels {
  if (m._kerno_entries() !== BINDINGS.length) {
    throw new Error(`wasm: the module has ${m._kerno_entries()} entry points, the bindings ${BINDINGS.length}: rebuild it (npm run build:wasm)`);
  }
  // one scratch block for a call's slots and arrays, grown as calls need
  let scratch = 0;
  let scratchBytes = 0;
  const call = (index: number, outputs: readonly number[], args: Arg[]): number => {
    let bytes = align8(args.length * SLOT) + 8;
    for (const a of args) if (ArrayBuffer.isView(a)) bytes += align8(a.byteLength);
    if (bytes > scratchBytes) {
      if (scratch) m._free(scratch);
      scratchBytes = Math.max(bytes, scratchBytes * 2, 1 << 16);
      scratch = m._malloc(scratchBytes);
      if (!scratch) throw new RangeError(`wasm ${BINDINGS[index].name}: cannot allocate ${scratchBytes} bytes in the module's memory`);
    }
    // views after any growth of the memory (malloc may grow it)
    const heapU8 = heap(m);
    const heap32 = new Int32Array(heapU8.buffer);
    const heapF64 = new Float64Array(heapU8.buffer);
    const failed = scratch + align8(args.length * SLOT);
    let at = failed + 8;
    const placed: number[] = [];
    args.forEach((a, i) => {
      const slot = scratch + i * SLOT;
      let kind = 0;
      let len = 0;
      let ptr = 0;
      let num = 0;
      if (ArrayBuffer.isView(a)) {
        kind = kindOf(a)[0];
        len = a.length;
        ptr = at;
        heapU8.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
        at += align8(a.byteLength);
      } else if (typeof a === "number") {
        kind = 1;
        num = a;
      } else if (typeof a === "boolean") {
        kind = 2;
        num = a ? 1 : 0;
      } else if (a !== null && a !== undefined) kind = -1;
      heap32[slot >> 2] = kind;
      heap32[(slot >> 2) + 1] = len;
      heap32[(slot >> 2) + 2] = ptr;
      heapF64[(slot >> 3) + 2] = num;
      placed.push(ptr);
    });
    const value = m._kerno_call(index, scratch, args.length, failed);
    // the kernel's threads may have grown the memory
    const after = heap(m).buffer;
    if (new Int32Array(after, failed, 1)[0] !== 0) throw new TypeError(m.UTF8ToString(m._kerno_error()));
    for (const i of outputs) {
      const a = args[i];
      const base = ArrayBuffer.isView(a) ? kindOf(a)[1] : null;
      if (base) (a as Typed).set(new base(after, placed[i], (a as Typed).length) as never);
    }
    return value;
  };
  const kernels: Record<string, (...args: Arg[]) => number> = {};
  BINDINGS.forEach(({ name, outputs }, index) => {
    kernels[name] = (...args) => call(index, outputs, args);
  });
  return kernels as unknown as AddonKernels;
}
