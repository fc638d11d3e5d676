/**
 * Giving a finished training step's buffers back to the buffer pool: the gradients once they have
 * flowed on, and the forward pass's intermediates once the gradients are computed. The next step
 * then writes its activations and gradients into the same memory instead of fresh pages (which
 * cost a page fault per 4 KB and left the garbage collector hundreds of MB to find per step).
 * Only op outputs recorded on the tape are given back, never a buffer that a leaf (a weight, an
 * input), the value, the aux outputs or the returned gradients still use.
 */
import { bufferPool, isPooled } from "../tensor/buffer-pool.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * Buffers that must outlive the step, of the tape's tensors in `order` (reverseTopological's: op
 * outputs and leaves on this tape): those of `keep`, of the leaves (weights, watched inputs) and
 * of the inputs recorded from outside the tape (constants, the batch).
 */
export function keptBuffers(order: readonly Tensor[], keep: readonly Tensor[]): Set<ArrayBufferLike> {
  const kept = new Set<ArrayBufferLike>(keep.map((t) => t.values.buffer));
  for (const t of order) {
    if (!t.node) kept.add(t.values.buffer);
    for (const x of t.node?.inputs ?? []) if (x.tape !== t.tape) kept.add(x.values.buffer);
  }
  return kept;
}

/** Gives back each float32 buffer of `tensors` that is the pool's and not kept (each once). */
export function giveBack(tensors: Iterable<Tensor>, kept: ReadonlySet<ArrayBufferLike>): void {
  const given = new Set<ArrayBufferLike>();
  for (const t of tensors) {
    const b = t.values.buffer;
    if (t.dtype !== "float32" || given.has(b) || kept.has(b) || !isPooled(t.values)) continue;
    given.add(b);
    bufferPool.give(t.values as Float32Array);
  }
}

/**
 * The gradients waiting to flow back. When recycling (`busy`: the buffers that must not be given
 * back while gradients flow), they are counted per buffer (a reshape's or an add's gradient shares
 * its input's), so that a spent one is given back only when nothing waiting holds its buffer;
 * otherwise it is a plain map.
 */
export class GradientMap {
  private readonly byTensor = new Map<Tensor, Tensor<"float32">>();
  private readonly holders = new Map<ArrayBufferLike, number>();

  constructor(private readonly busy: ReadonlySet<ArrayBufferLike> | null) {}

  get(t: Tensor): Tensor<"float32"> | undefined {
    return this.byTensor.get(t);
  }

  set(t: Tensor, g: Tensor<"float32">): void {
    this.delete(t);
    this.byTensor.set(t, g);
    if (this.busy) this.holders.set(g.values.buffer, (this.holders.get(g.values.buffer) ?? 0) + 1);
  }

  delete(t: Tensor): void {
    const g = this.byTensor.get(t);
    if (!g) return;
    this.byTensor.delete(t);
    if (this.busy) this.holders.set(g.values.buffer, (this.holders.get(g.values.buffer) ?? 1) - 1);
  }

  /** Gives back the spent gradients that no waiting gradient shares a buffer with (nothing when not recycling). */
  recycle(spent: readonly Tensor<"float32">[]): void {
    if (!this.busy) return;
    giveBack(
      spent.filter((g) => (this.holders.get(g.values.buffer) ?? 0) === 0),
      this.busy,
    );
  }
}
