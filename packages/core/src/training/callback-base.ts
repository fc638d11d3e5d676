/**
 * Callbacks: hooks that fit() calls at the start and end of training, epochs and batches, with
 * the logs so far (loss, metrics, and val_ ones at epoch end). Users pass instances of these
 * classes or plain objects with any of the hooks.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Optimizer } from "./optimizers.js";

export type Logs = Record<string, number>;

/** What callbacks may do to the model being trained. */
export interface TrainingModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(values: Tensor[]): void;
  save(path: string): Promise<void> | void;
  optimizer: Optimizer | null;
}

export interface TrainingParams {
  epochs: number;
  steps: number | null;
  verbose: number;
}

export interface CallbackHooks {
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onTrainBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onTrainBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/** Base class of the built-in callbacks: it receives the model and the training parameters. */
export class Callback {
  model!: TrainingModel;
  params: TrainingParams = { epochs: 0, steps: null, verbose: 0 };
  setModel(model: TrainingModel): void {
    this.model = model;
  }
  setParams(params: TrainingParams): void {
    this.params = params;
  }
}
