/**
 * Small float32 arrays carved from shared slabs, as Node's Buffer pool does for small buffers.
 * V8 gives every ArrayBuffer its own backing store (a calloc, external-memory accounting and a
 * sweep at collection): 1-3 µs for an array of a few hundred floats, more than the kernels of a
 * recurrent step with 16 units take, and the small tensors of such a step number in the dozens.
 * A view into a slab costs a fraction of that. Slab memory is fresh (zeroed) and never handed out
 * twice; a slab is collected once no array carved from it is alive. A long-lived array (a bias)
 * keeps its slab alive, which bounds the waste at one slab per long-lived small array; arrays of
 * up to 4 KB come from here, so a slab holds at least 16.
 *
 * A slab's arrays belong to unrelated tensors, so a slab must never leave: transferring one
 * (postMessage, structuredClone with transfer) would detach them all. Tensors hand users storage
 * of its own instead (Tensor.data()), and a slab found detached is replaced, never carved again.
 */

const SLAB_BYTES = 64 * 1024;
/** The largest array, in floats, carved from a slab. */
export const SMALL_ARRAY_MAX = 1024;

let slab = new ArrayBuffer(SLAB_BYTES);
let offset = 0;
const slabs = new WeakSet<ArrayBuffer>([slab]);

/** Whether `a` is carved from a slab (and so shares its buffer with other tensors' arrays). */
export function isSlabCarved(a: ArrayBufferView): boolean {
  return slabs.has(a.buffer as ArrayBuffer);
}

/** A zero-filled float32 array of n <= SMALL_ARRAY_MAX elements, a view into the current slab. */
export function smallFloat32(n: number): Float32Array {
  // 64-byte alignment keeps every array on its own cache lines and the native kernels' vector loads aligned
  const bytes = (n * 4 + 63) & ~63;
  if (offset + bytes > SLAB_BYTES || slab.byteLength === 0) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabs.add(slab);
    offset = 0;
  }
  const a = new Float32Array(slab, offset, n);
  offset += bytes;
  return a;
}
