/**
 * How fit spreads training over several workers, seen from fit: it knows only this interface.
 * Data-parallel training over MPI (src/distributed/data-parallel.ts, Horovod's model) is one,
 * passed in as `fit(x, y, { strategy: dataParallel() })`. Without a strategy, fit trains alone.
 */
import type { Variable } from "../autodiff/variable.js";
import type { Tensor } from "../tensor/tensor.js";

export interface TrainingStrategy {
  /** This worker's place among `size`; worker 0 alone runs the callbacks and decides when to stop. */
  readonly rank: number;
  readonly size: number;
  /** This worker's part of a global batch's row indices (batchSize is per worker). */
  shard<T>(rows: T[]): T[];
  /** Worker 0's shuffle seed everywhere (drawn when none is given). */
  sharedSeed(seed: number | undefined): number;
  /** Worker 0's flag everywhere (stop training, ...); `what` names the exchange in errors. */
  agree(flag: boolean, what: string): boolean;
  /** Worker 0's values of `vars` into every worker's. */
  broadcastVariables(vars: Variable[], what: string): void;
  /** The global batch's mean gradient from this worker's mean over `rows` of `totalRows` rows. */
  averageGradients(grads: Tensor[], rows: number, totalRows: number): Tensor<"float32">[];
  /** Sums an epoch's loss and metric accumulators over workers, in place. */
  sumState(state: Float64Array, what: string): void;
}
