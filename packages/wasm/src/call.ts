/**
 * Calling the module's entry points from JavaScript with the native addon's arguments (typed
 * arrays, numbers, booleans, null): each typed array is copied into one arena in the module's
 * memory, the arguments are laid out as 24-byte slots (native/wasm_args.h) at its start, the entry
 * point runs by index, and the arrays the kernel fills are copied back. The copies are what the
 * module's separate memory costs, so they are kept to the bytes that matter: an output that the
 * backend's wrapper allocates fresh (`uninit`, which the kernel writes whole) is not copied in, the
 * arena is malloc'd once and grown as calls need (never freed per call, never zero-filled), and
 * each array is copied by one TypedArray.set of its own type. A failed check throws the TypeError
 * the addon would, naming the kernel.
 */
import type { AddonKernels } from "@kerno/core/backends/compiled/addon.gen.js";
import { CONVOLUTION } from "@kerno/core/backends/kernel-table/convolution.js";
import { ELEMENTWISE } from "@kerno/core/backends/kernel-table/elementwise.js";
import { TRAINING } from "@kerno/core/backends/kernel-table/training.js";
import type { Binding } from "@kerno/core/backends/kernel-table/types.js";
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
const align8 = (n: number) => (n + 7) & ~7;

/**
 * Each entry's arguments that need not be copied in: the outputs that every wrapper of it
 * allocates with `uninit` (an array of a kernel that writes every element, whose contents are
 * whatever a recycled buffer held), read from the kernel table. An output that a wrapper allocates
 * otherwise (zeros that the kernel adds to, as bincount's) or passes in (an optimizer's state,
 * updated in place) is copied both ways.
 */
export function freshOutputs(binding: Binding): Set<number> {
  const wraps = Array.isArray(binding.wrap) ? binding.wrap : [binding.wrap];
  const fresh = new Set<number>();
  binding.args.forEach((arg, i) => {
    if (!("out" in arg) || !arg.out) return;
    const written = wraps.every((w) => {
      const expr = w.outputs?.[arg.name];
      return expr?.includes("uninit(") && !/\bnew\b/.test(expr) && w.pass?.[arg.name] === undefined;
    });
    if (written) fresh.add(i);
  });
  return fresh;
}

const TABLE: Record<string, Binding> = { ...CONVOLUTION, ...ELEMENTWISE, ...TRAINING };

/** An argument's array kind in the call's slots (3 float32, 4 int32, 5 bytes: a Node Buffer too, as the addon takes it) and its element size as a shift; null when not one of those. */
function typedSlot(a: unknown): { kind: number; array: Float32Array | Int32Array | Uint8Array; shift: number } | null {
  if (a instanceof Float32Array) return { kind: 3, array: a, shift: 2 };
  if (a instanceof Int32Array) return { kind: 4, array: a, shift: 2 };
  if (a instanceof Uint8Array) return { kind: 5, array: a, shift: 0 };
  return null;
}

/** The module's entry points as an object with the addon's shape (AddonKernels). */
export function moduleKernels(m: KernelModule): AddonKernels {
  if (m._kerno_entries() !== BINDINGS.length) {
    throw new Error(`wasm: the module has ${m._kerno_entries()} entry points, the bindings ${BINDINGS.length}: rebuild it (npm run build:wasm)`);
  }
  // one arena for a call's slots and arrays, grown as calls need
  let arena = 0;
  let arenaBytes = 0;
  // Views of the module's memory as it is now. With threads, another thread may have grown it,
  // and Emscripten renews a thread's HEAP views only when that thread grows it (they then end
  // short of what malloc hands out): so the buffer is re-read at each call, and the views made
  // anew when it is another.
  let buffer: ArrayBufferLike | null = null;
  let u8: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  let i32: Int32Array<ArrayBufferLike> = new Int32Array(0);
  let f32: Float32Array<ArrayBufferLike> = new Float32Array(0);
  let f64: Float64Array<ArrayBufferLike> = new Float64Array(0);
  const refresh = () => {
    const now = m.wasmMemory ? m.wasmMemory.buffer : m.HEAPU8.buffer;
    if (now === buffer) return;
    buffer = now;
    u8 = new Uint8Array(now);
    i32 = new Int32Array(now);
    f32 = new Float32Array(now);
    f64 = new Float64Array(now);
  };
  const placed: number[] = [];
  // the heap's view for an array kind of typedSlot
  const heapOf = (kind: number): Float32Array<ArrayBufferLike> | Int32Array<ArrayBufferLike> | Uint8Array<ArrayBufferLike> =>
    kind === 3 ? f32 : kind === 4 ? i32 : u8;

  const call = (index: number, outputs: readonly number[], fresh: Set<number>, args: Arg[]): number => {
    const n = args.length;
    const head = align8(n * SLOT) + 8;
    let bytes = head;
    for (let i = 0; i < n; i++) {
      const a = args[i];
      if (ArrayBuffer.isView(a)) bytes += align8(a.byteLength);
    }
    if (bytes > arenaBytes) {
      let want = Math.max(bytes, arenaBytes * 2, 1 << 16);
      if (arena) m._free(arena);
      arenaBytes = 0;
      // addresses are unsigned: the module's memory may pass 2 GiB
      arena = m._malloc(want) >>> 0;
      // doubling may not fit where the call alone does
      if (!arena && want > bytes) [arena, want] = [m._malloc(bytes) >>> 0, bytes];
      if (!arena) throw new RangeError(`wasm ${BINDINGS[index].name}: cannot allocate ${want} bytes in the module's memory`);
      arenaBytes = want;
    }
    refresh();
    const failed = arena + head - 8;
    let at = arena + head;
    for (let i = 0; i < n; i++) {
      const a = args[i];
      const slot = (arena + i * SLOT) >>> 2;
      let kind = 0;
      let len = 0;
      let ptr = 0;
      let num = 0;
      const typed = typedSlot(a);
      if (typed) {
        kind = typed.kind;
        len = typed.array.length;
        ptr = at;
        if (!fresh.has(i)) heapOf(typed.kind).set(typed.array, at >>> typed.shift);
        at += align8(typed.array.byteLength);
      } else if (typeof a === "number") {
        kind = 1;
        num = a;
      } else if (typeof a === "boolean") {
        kind = 2;
        num = a ? 1 : 0;
      } else if (a !== null && a !== undefined) {
        // another typed array or value: the entry's check names it
        kind = -1;
        const other: unknown = a;
        if (ArrayBuffer.isView(other)) at += align8(other.byteLength);
      }
      i32[slot] = kind;
      i32[slot + 1] = len;
      i32[slot + 2] = ptr;
      f64[(slot >>> 1) + 2] = num;
      placed[i] = ptr;
    }
    const value = m._kerno_call(index, arena, n, failed);
    // the kernel's threads may have grown the memory
    refresh();
    if (i32[failed >>> 2] !== 0) throw new TypeError(m.UTF8ToString(m._kerno_error()));
    for (const i of outputs) {
      const typed = typedSlot(args[i]);
      if (!typed) continue;
      const from = placed[i] >>> typed.shift;
      typed.array.set(heapOf(typed.kind).subarray(from, from + typed.array.length));
    }
    return value;
  };
  const kernels: Record<string, (...args: Arg[]) => number> = {};
  BINDINGS.forEach(({ name, outputs }, index) => {
    const binding = TABLE[name];
    if (!binding) throw new Error(`wasm: the kernel table has no entry '${name}': rebuild the bindings (npm run gen:bindings)`);
    const fresh = freshOutputs(binding);
    kernels[name] = (...args) => call(index, outputs, fresh, args);
  });
  return kernels as unknown as AddonKernels;
}
