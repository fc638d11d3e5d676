/**
 * Elements kept in memory small: a float32 tensor whose values are all whole numbers in 0..255
 * (decoded pixels, before any rescaling) is kept as one byte per value and turned back into the
 * same float32 tensor when read, a quarter of the memory, exactly. Other tensors are kept as they
 * are. The store has a budget (`maxBytes`); the element that would pass it empties the store, and
 * the caller then reads its source again instead (Dataset.cache and the image recipes' cache say
 * so once).
 */
import { stack } from "../ops/shape.js";
import { tensor } from "../tensor/creation.js";
import { Tensor } from "../tensor/tensor.js";

/** A tensor kept as bytes. */
class ByteTensor {
  constructor(
    readonly bytes: Uint8Array,
    readonly shape: number[],
  ) {}
}

/** The bytes of a float32 tensor whose values are whole numbers in 0..255, or null. */
function asBytes(t: Tensor): Uint8Array | null {
  if (t.dtype !== "float32") return null;
  const values = t.data() as Float32Array;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v === (v & 255) is false for fractions, negatives, values over 255 and NaN
    if (v !== (v & 255)) return null;
    bytes[i] = v;
  }
  return bytes;
}

/** Maps every tensor of an element (a tensor, a list, an Example or nested plain objects). */
function mapTensors(el: unknown, f: (t: Tensor) => unknown): unknown {
  if (el instanceof Tensor) return f(el);
  if (Array.isArray(el)) return el.map((v) => mapTensors(v, f));
  if (el && typeof el === "object" && Object.getPrototypeOf(el) === Object.prototype) {
    return Object.fromEntries(Object.entries(el).map(([k, v]) => [k, mapTensors(v, f)]));
  }
  return el;
}

/** Bytes of the typed arrays an element holds besides its tensors (kept as they are). */
function arrayBytes(el: unknown): number {
  if (ArrayBuffer.isView(el)) return el.byteLength;
  if (Array.isArray(el)) return el.reduce((s: number, v) => s + arrayBytes(v), 0);
  if (el && typeof el === "object" && Object.getPrototypeOf(el) === Object.prototype) return Object.values(el).reduce((s: number, v) => s + arrayBytes(v), 0);
  return 0;
}

function unpack(el: unknown): unknown {
  if (el instanceof ByteTensor) return tensor(Float32Array.from(el.bytes), el.shape);
  if (Array.isArray(el)) return el.map(unpack);
  if (el && typeof el === "object" && Object.getPrototypeOf(el) === Object.prototype) {
    return Object.fromEntries(Object.entries(el).map(([k, v]) => [k, unpack(v)]));
  }
  return el;
}

/**
 * Kept elements stacked along a new first axis: tensors kept as bytes go from their bytes straight
 * into the batch's float32 array (one array a batch, not one an element and then the batch's copy).
 */
function stackPacked(items: unknown[]): unknown {
  const first = items[0];
  if (items.every((el): el is ByteTensor => el instanceof ByteTensor)) {
    const [head] = items;
    const size = head.bytes.length;
    const out = new Float32Array(items.length * size);
    items.forEach((el, i) => {
      if (el.bytes.length !== size)
        throw new RangeError(`CompactStore.stack: element ${i} has shape [${el.shape.join(", ")}], element 0 [${head.shape.join(", ")}]`);
      out.set(el.bytes, i * size);
    });
    return tensor(out, [items.length, ...head.shape]);
  }
  if (first instanceof Tensor || first instanceof ByteTensor) return stack(items.map(unpack) as Tensor[], 0);
  if (Array.isArray(first)) return first.map((_, j) => stackPacked(items.map((el) => (el as unknown[])[j])));
  if (first && typeof first === "object" && Object.getPrototypeOf(first) === Object.prototype) {
    return Object.fromEntries(Object.keys(first).map((k) => [k, stackPacked(items.map((el) => (el as Record<string, unknown>)[k]))]));
  }
  throw new TypeError(`CompactStore.stack: elements must be tensors, lists or plain objects of them, got ${String(first)}`);
}

/** The most a store keeps by default, however much memory is free: a data set's memory should not grow with its size. */
export const STORE_BUDGET_CAP = 2 ** 29;

/** The memory the platform says is available (Node's process.availableMemory, a browser's navigator.deviceMemory), or 0 when it does not say. */
export function availableMemoryBytes(): number {
  const g = globalThis as { process?: { availableMemory?: () => number }; navigator?: { deviceMemory?: number } };
  return g.process?.availableMemory?.() ?? (g.navigator?.deviceMemory ? g.navigator.deviceMemory * 2 ** 30 : 0);
}

/** The default budget of a store: half the available memory, at most STORE_BUDGET_CAP (512 MiB). */
export function defaultStoreBudget(): number {
  const available = availableMemoryBytes();
  return available > 0 ? Math.min(available / 2, STORE_BUDGET_CAP) : STORE_BUDGET_CAP;
}

/**
 * Bytes that several stores draw from, so that a training set's cache and its validation and test
 * caches together stay within one budget (a store given a number has a budget of its own).
 */
export class MemoryBudget {
  used = 0;
  constructor(readonly maxBytes: number = defaultStoreBudget()) {}
  /** Takes `bytes` when they fit; false (nothing taken) when they would pass the budget. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    return true;
  }
  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

export class CompactStore<T> {
  private items: unknown[] | null = [];
  /** Bytes the kept elements' tensors hold. */
  bytes = 0;
  /** Bytes they would hold as given (float32 where they were). */
  givenBytes = 0;
  readonly budget: MemoryBudget;

  constructor(budget: number | MemoryBudget = defaultStoreBudget()) {
    this.budget = typeof budget === "number" ? new MemoryBudget(budget) : budget;
  }

  get maxBytes(): number {
    return this.budget.maxBytes;
  }

  /** Keeps the element; false (the store emptied, its bytes given back) when it would pass the budget. */
  add(el: T): boolean {
    if (!this.items) return false;
    let size = 0;
    const packed = mapTensors(el, (t) => {
      const given = t.data().length * (t.dtype === "bool" ? 1 : 4);
      this.givenBytes += given;
      const bytes = asBytes(t);
      size += bytes ? bytes.length : given;
      return bytes ? new ByteTensor(bytes, [...t.shape]) : t;
    });
    size += arrayBytes(el);
    if (!this.budget.take(size)) {
      this.clear();
      return false;
    }
    this.bytes += size;
    this.items.push(packed);
    return true;
  }

  /** Keeps nothing from now on and gives its bytes back to the budget. */
  clear(): void {
    if (this.items) this.budget.give(this.bytes);
    this.items = null;
    this.bytes = 0;
  }

  /** Whether the budget was passed or the store cleared (nothing is kept then). */
  get overBudget(): boolean {
    return this.items === null;
  }

  get length(): number {
    return this.items?.length ?? 0;
  }

  /** Element i as it was given (tensors rebuilt from bytes as float32). */
  get(i: number): T {
    if (!this.items) throw new RangeError("CompactStore: the store passed its budget and keeps nothing");
    return unpack(this.items[i]) as T;
  }

  /**
   * Elements `indices` as one batch (each tensor gains a first axis of indices.length), as
   * stackElements(indices.map(get)) would give, without building each element first.
   */
  stack(indices: readonly number[]): T {
    const items = this.items;
    if (!items) throw new RangeError("CompactStore: the store passed its budget and keeps nothing");
    if (indices.length === 0) throw new RangeError("CompactStore.stack: no elements to stack");
    return stackPacked(
      indices.map((i) => {
        if (!(i >= 0 && i < items.length)) throw new RangeError(`CompactStore.stack: element ${i} of ${items.length}`);
        return items[i];
      }),
    ) as T;
  }

  /** A line for logs: how many elements, in how many MB, against how many as given. */
  describe(): string {
    const mb = (b: number) => (b / 2 ** 20).toFixed(0);
    return `${this.length} elements in ${mb(this.bytes)} MB (${mb(this.givenBytes)} MB as float32)`;
  }
}

/**
 * One pass over `input` that yields its elements while keeping their rows (`rowsOf`) in a new
 * store; it returns the store when the pass completed within the budget, else null. The first
 * element past the budget calls `passed` once and keeps nothing from then on; a pass stopped early
 * keeps nothing either, and every store gives its bytes back to a shared budget (Dataset.cache and
 * the image recipes' cache fill this way).
 */
export async function* keepingPass<E, R>(
  input: AsyncIterable<E>,
  budget: number | MemoryBudget | undefined,
  rowsOf: (el: E) => R[],
  passed: (maxBytes: number) => void,
): AsyncGenerator<E, CompactStore<R> | null> {
  const store = new CompactStore<R>(budget);
  let kept = false;
  try {
    for await (const el of input) {
      if (!store.overBudget && !rowsOf(el).every((row) => store.add(row))) passed(store.maxBytes);
      yield el;
    }
    kept = !store.overBudget;
    return kept ? store : null;
  } finally {
    if (!kept) store.clear();
  }
}
