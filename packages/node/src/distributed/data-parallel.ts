/**
 * Data-parallel training over MPI, Horovod's model: every rank holds the whole model, rank 0's
 * initial weights are broadcast, each rank computes gradients on its shard of every global batch,
 * the gradients are averaged (weighted by each shard's rows, so that uneven shards give exactly
 * the full batch's mean) by allreduce in fixed-size buckets, and every rank applies the same
 * update. Metrics are summed over ranks at the end of each epoch; rank 0 alone runs callbacks
 * (progress, checkpoints, run folders) and decides when to stop. fit knows it only as a
 * TrainingStrategy: `model.fit(x, y, { strategy: dataParallel() })`.
 */
import type { Variable } from "@kerno/core/autodiff/variable.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { generator } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import type { TrainingStrategy } from "@kerno/core/training/strategy.js";
import { type Distributed, type DistributedOptions, initDistributed } from "./mpi.js";

/** Floats per allreduce bucket (4 MB): big enough for shared-memory bandwidth, small enough to reuse. */
const BUCKET_FLOATS = 1 << 20;

export class DataParallel implements TrainingStrategy {
  private readonly bucket = new Float32Array(BUCKET_FLOATS);
  private step = 0;

  constructor(readonly comm: Distributed) {}

  get rank(): number {
    return this.comm.rank;
  }
  get size(): number {
    return this.comm.size;
  }

  /** This rank's part of a global batch's row indices: contiguous, sizes differing by at most one. */
  shard<T>(rows: T[]): T[] {
    const base = Math.floor(rows.length / this.size),
      extra = rows.length % this.size;
    const start = this.rank * base + Math.min(this.rank, extra);
    return rows.slice(start, start + base + (this.rank < extra ? 1 : 0));
  }

  /** Rank 0's seed everywhere (drawn from kerno's generator when none is given, so setSeed decides it). */
  sharedSeed(seed: number | undefined): number {
    const s = new Int32Array([seed ?? generator().int(2 ** 31 - 1)]);
    this.comm.broadcast(s, "broadcast of the shuffle seed");
    return s[0];
  }

  /** Rank 0's flag everywhere (stop training, ...). */
  agree(flag: boolean, what: string): boolean {
    const f = new Int32Array([flag ? 1 : 0]);
    this.comm.broadcast(f, what);
    return f[0] === 1;
  }

  /** Rank 0's values of `vars` into every rank's, bucket by bucket. */
  broadcastVariables(vars: Variable[], what: string): void {
    const values = vars.map((v) => v.values);
    this.buckets(values, values, 1, (bucket) => this.comm.broadcast(bucket, what));
  }

  /**
   * The global batch's mean gradient from this rank's mean over `rows` of `totalRows` rows:
   * each rank's gradients weighted by rows / totalRows, then summed over ranks.
   */
  averageGradients(grads: Tensor[], rows: number, totalRows: number): Tensor<"float32">[] {
    const out = grads.map((g) => new Float32Array(g.size));
    this.step++;
    this.buckets(
      grads.map((g) => g.floats()),
      out,
      rows / totalRows,
      (bucket) => this.comm.allreduceSum(bucket, `allreduce of gradients (step ${this.step})`),
    );
    return out.map((values, i) => tensor(values, [...grads[i].shape]));
  }

  /** Sums `state` (an epoch's loss and metric accumulators) over ranks, in place. */
  sumState(state: Float64Array, what: string): void {
    this.comm.allreduceSum(state, what);
  }

  /**
   * Packs `sources` (times `scale`) into buckets, runs `collective` on each, and unpacks the
   * results into `targets` (arrays of the same lengths; they may be the sources).
   */
  private buckets(sources: Float32Array[], targets: Float32Array[], scale: number, collective: (bucket: Float32Array) => void): void {
    let fill = 0;
    const pending: { index: number; from: number; at: number; count: number }[] = [];
    const flush = () => {
      if (fill === 0) return;
      const bucket = this.bucket.subarray(0, fill);
      collective(bucket);
      for (const p of pending) targets[p.index].set(bucket.subarray(p.at, p.at + p.count), p.from);
      pending.length = 0;
      fill = 0;
    };
    sources.forEach((source, index) => {
      for (let from = 0; from < source.length; ) {
        const count = Math.min(source.length - from, BUCKET_FLOATS - fill);
        if (scale === 1) this.bucket.set(source.subarray(from, from + count), fill);
        else for (let i = 0; i < count; i++) this.bucket[fill + i] = source[from + i] * scale;
        pending.push({ index, from, at: fill, count });
        fill += count;
        from += count;
        if (fill === BUCKET_FLOATS) flush();
      }
    });
    flush();
  }
}

/** Data-parallel training over this process's MPI job (initDistributed's options, such as { timeoutSeconds }). */
export function dataParallel(options: DistributedOptions = {}): DataParallel {
  return new DataParallel(initDistributed(options));
}
