/**
 * Recycled float32 buffers. Large activations written to fresh memory cost more than the kernels
 * that fill them: the writes miss every cache level (measured: a 8.3 MB first-layer output takes
 * 0.64 ms into a recently used buffer and 1.9 ms into a fresh one). Kernel outputs come from
 * here; a graph run in inference gives its intermediates back as soon as their last reader has
 * run, and the next layer's output reuses them while they are still in cache. Only buffers
 * handed out by this pool are ever taken back.
 */

/** Node's Buffer skips zero-filling memory about to be overwritten; elsewhere (browsers) a zeroed array. */
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(size: number): Uint8Array } }).Buffer;
const uninitialized = (bytes: number): Uint8Array => (nodeBuffer ? nodeBuffer.allocUnsafeSlow(bytes) : new Uint8Array(bytes));

const owned = new WeakSet<ArrayBuffer>();

/** The most a reused buffer may exceed the request by: beyond it, the big buffer is worth keeping for a big request. */
const MAX_SLACK = 8;

export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private held = 0;

  constructor(private readonly limitBytes: number) {}

  /**
   * A float32 array of n elements with undefined contents: a recycled one of that size when
   * available, else the front of the smallest waiting buffer of up to MAX_SLACK times the size
   * (a network's activations shrink layer by layer: VGG16's pooled and deeper outputs fit in its
   * first layers' buffers, which halves its inference memory), else a fresh one.
   */
  take(n: number): Float32Array {
    const capacity = this.fittingCapacity(n);
    const reused = capacity === undefined ? undefined : this.free.get(capacity)?.pop();
    if (reused) {
      this.held -= reused.byteLength;
      return reused.length === n ? reused : new Float32Array(reused.buffer, 0, n);
    }
    const buffer = uninitialized(n * 4);
    owned.add(buffer.buffer as ArrayBuffer);
    return new Float32Array(buffer.buffer, buffer.byteOffset, n);
  }

  /** Returns a buffer that nothing will read again; false when it is not one of the pool's or the pool is full. */
  give(a: Float32Array): boolean {
    const buffer = a.buffer as ArrayBuffer;
    if (!owned.has(buffer) || a.byteOffset !== 0 || this.held + buffer.byteLength > this.limitBytes) return false;
    // the whole buffer waits, whatever part of it the array used
    const whole = a.byteLength === buffer.byteLength ? a : new Float32Array(buffer);
    const stack = this.free.get(whole.length);
    if (stack) stack.push(whole);
    else this.free.set(whole.length, [whole]);
    this.held += buffer.byteLength;
    return true;
  }

  private fittingCapacity(n: number): number | undefined {
    if (this.free.get(n)?.length) return n;
    let best: number | undefined;
    for (const [capacity, stack] of this.free) {
      if (capacity > n && capacity <= n * MAX_SLACK && stack.length > 0 && (best === undefined || capacity < best)) best = capacity;
    }
    return best;
  }

  /** Bytes waiting to be reused. */
  get heldBytes(): number {
    return this.held;
  }

  /** Drops every waiting buffer (to the garbage collector). */
  clear(): void {
    this.free.clear();
    this.held = 0;
  }
}

/** Whether the pool handed out this array's memory (and may take it back). */
export function isPooled(a: ArrayBufferView): boolean {
  return owned.has(a.buffer as ArrayBuffer);
}

/**
 * The process's pool: up to 1 GB of released buffers wait for reuse. Training cats-vs-dogs at
 * 180x180 (batch 32) cycled three 130 MB first-layer buffers a step (output, pooling's and relu's
 * gradients; src/ops/conv-pool.ts now keeps none of them): 256 MB kept one, and the fresh ones'
 * page faults took a relu gradient from 17 to 74 ms.
 */
export const bufferPool = new BufferPool(1024 * 1024 * 1024);
