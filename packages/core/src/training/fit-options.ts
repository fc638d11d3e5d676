/** What fit takes besides the model and the data (Keras's fit arguments, and a strategy). */
import type { ClassWeight } from "../data/balance.js";
import type { MemoryBudget } from "../data/compact-store.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Callback, CallbackHooks } from "./callbacks.js";
import type { ValidationData } from "./evaluate.js";
import type { TrainingStrategy } from "./strategy.js";

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** 0 silent, 1 progress bar (one line per epoch when not a terminal), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  validationData?: ValidationData;
  /** Fraction of the training data (the last rows, before shuffling, as in Keras) held out for validation. */
  validationSplit?: number;
  shuffle?: boolean;
  /** Seed of the shuffle (default: the global generator, see setSeed). */
  seed?: number;
  classWeight?: ClassWeight | "balanced";
  sampleWeight?: Tensor;
  callbacks?: (Callback | CallbackHooks)[];
  initialEpoch?: number;
  /** Batches per epoch when fitting a Dataset of unknown size. */
  stepsPerEpoch?: number;
  validationBatchSize?: number;
  /**
   * Compute the model's frozen, deterministic beginning (a pretrained base with trainable false,
   * preprocessing, Flatten) once per example and train only the rest: the course's feature
   * extraction, made automatic. It runs before the first epoch: over tensor inputs, or over one
   * pass of a Dataset (whose examples are then reshuffled into batches of its batch size every
   * epoch, unless shuffle is false; random transforms in the Dataset's pipeline are drawn once).
   * The outputs kept (with a Dataset's targets and weights), the training and validation sets'
   * together, stay within `maxBytes` (default: half the available memory; a MemoryBudget shares it
   * with caches): past it, nothing is kept and the whole model trains on every batch, which fit
   * says on the console. While the passes' parts are joined, they briefly take twice that.
   */
  cacheFrozenPrefix?: boolean | { maxBytes?: number | MemoryBudget };
  /**
   * Training spread over several workers (training/strategy.ts), such as data-parallel training
   * over MPI (`dataParallel()` from src/distributed, run under mpirun): batchSize is per worker,
   * worker 0's weights are broadcast first, gradients averaged every step; worker 0 alone runs the
   * callbacks. A run folder is a callback (RunHistory from src/runs), given last in `callbacks`.
   */
  strategy?: TrainingStrategy;
}
