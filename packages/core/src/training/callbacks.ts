/**
 * The built-in callbacks (History, TerminateOnNaN, LearningRateScheduler here; the monitoring ones
 * in monitor-callbacks.ts; CSVLogger, which writes a file, in src/runs/) and, re-exported, the
 * Callback base and its types.
 */
import { Callback, type Logs } from "./callback-base.js";

export { Callback, type CallbackHooks, type Logs, type TrainingModel, type TrainingParams } from "./callback-base.js";
export * from "./monitor-callbacks.js";

/** Stops training at the first batch whose loss is NaN or infinite, naming the batch. */
export class TerminateOnNaN extends Callback {
  /** Where it stopped: [epoch, batch], or null. */
  stoppedAt: [number, number] | null = null;
  private epoch = 0;

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  onTrainBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      this.stoppedAt = [this.epoch, batch];
      console.log(`Epoch ${this.epoch + 1}, batch ${batch}: invalid loss ${loss}, terminating training`);
      this.model.stopTraining = true;
    }
  }
}

/** Sets the learning rate at the start of each epoch from schedule(epoch, currentRate). */
export class LearningRateScheduler extends Callback {
  constructor(
    readonly schedule: (epoch: number, lr: number) => number,
    readonly verbose = 0,
  ) {
    super();
  }

  onEpochBegin(epoch: number): void {
    const opt = this.model.optimizer;
    if (!opt) return;
    const next = this.schedule(epoch, opt.currentLearningRate());
    if (!(typeof next === "number" && Number.isFinite(next) && next > 0))
      throw new RangeError(`LearningRateScheduler: schedule returned ${next} at epoch ${epoch}`);
    opt.learningRate = next;
    if (this.verbose) console.log(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${next}.`);
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    if (this.model.optimizer) logs.learning_rate = this.model.optimizer.currentLearningRate();
  }
}

/** Per-epoch values of every loss and metric (what fit() returns). */
export class History extends Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      this.history[k] ??= [];
      this.history[k].push(v);
    }
  }
}
