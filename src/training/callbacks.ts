/**
 * Callbacks: hooks that fit() calls at the start and end of training, epochs and batches, with
 * the logs so far (loss, metrics, and val_ ones at epoch end). Users pass instances of these
 * classes or plain objects with any of the hooks.
 */
import { appendFileSync, existsSync, statSync, writeFileSync } from "node:fs";
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

export interface TrainingParams { epochs: number; steps: number | null; verbose: number }

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
  setModel(model: TrainingModel): void { this.model = model; }
  setParams(params: TrainingParams): void { this.params = params; }
}

type Mode = "auto" | "min" | "max";

function isBetter(mode: Mode, monitor: string): (a: number, b: number) => boolean {
  const max = mode === "max" || (mode === "auto" && /acc|auc|precision|recall/.test(monitor));
  return max ? (a, b) => a > b : (a, b) => a < b;
}

function monitored(logs: Logs, monitor: string, who: string): number | undefined {
  const v = logs[monitor];
  if (v === undefined) console.warn(`${who}: '${monitor}' is not among the logs (${Object.keys(logs).join(", ")}); skipping`);
  return v;
}

export interface EarlyStoppingOptions {
  monitor?: string; minDelta?: number; patience?: number; mode?: Mode; restoreBestWeights?: boolean;
  startFromEpoch?: number; baseline?: number; verbose?: number;
}

/**
 * Stops when `monitor` has not improved by more than minDelta for `patience` epochs. With
 * restoreBestWeights, the weights of the best epoch are put back when training ends (stopped
 * early or not).
 */
export class EarlyStopping extends Callback {
  readonly monitor: string; readonly minDelta: number; readonly patience: number; readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number; readonly baseline: number | undefined; readonly verbose: number;
  private readonly better: (a: number, b: number) => boolean;
  private wait = 0;
  best = NaN;
  bestEpoch = -1;
  stoppedEpoch = -1;
  private bestWeights: Tensor[] | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? "val_loss";
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = options.startFromEpoch ?? 0;
    this.baseline = options.baseline;
    this.verbose = options.verbose ?? 0;
    this.better = isBetter(options.mode ?? "auto", this.monitor);
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.best = NaN;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.bestWeights = null;
  }

  private improved(current: number, reference: number): boolean {
    if (Number.isNaN(reference)) return true;
    return this.better(current, reference) && Math.abs(current - reference) > this.minDelta;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = monitored(logs, this.monitor, "EarlyStopping");
    if (current === undefined || epoch < this.startFromEpoch) return;
    this.wait++;
    if (this.improved(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model.getWeights();
      if (this.baseline === undefined || this.improved(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights) {
      this.model.setWeights(this.bestWeights);
      if (this.verbose) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
    }
    if (this.stoppedEpoch >= 0 && this.verbose) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
  }
}

/** Keras-style file name templates: {epoch:02d}, {val_loss:.4f}. */
export function formatPath(template: string, epoch: number, logs: Logs): string {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (_m, key: string, spec: string | undefined) => {
    const value = key === "epoch" ? epoch + 1 : logs[key];
    if (value === undefined) return `{${key}}`;
    const fixed = spec?.match(/^\.(\d+)f$/);
    if (fixed) return value.toFixed(Number(fixed[1]));
    const padded = spec?.match(/^0?(\d+)d$/);
    if (padded) return String(Math.round(value)).padStart(Number(padded[1]), "0");
    return String(value);
  });
}

export interface ModelCheckpointOptions { monitor?: string; saveBestOnly?: boolean; mode?: Mode; verbose?: number }

/** Saves the model after each epoch (or only when `monitor` improves); files are written atomically. */
export class ModelCheckpoint extends Callback {
  readonly monitor: string; readonly saveBestOnly: boolean; readonly verbose: number;
  private readonly better: (a: number, b: number) => boolean;
  best = NaN;
  readonly saved: string[] = [];

  constructor(readonly filepath: string, options: ModelCheckpointOptions = {}) {
    super();
    this.monitor = options.monitor ?? "val_loss";
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.verbose = options.verbose ?? 0;
    this.better = isBetter(options.mode ?? "auto", this.monitor);
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveBestOnly) {
      const current = monitored(logs, this.monitor, "ModelCheckpoint");
      if (current === undefined || !(Number.isNaN(this.best) || this.better(current, this.best))) return;
      if (this.verbose) console.log(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best} to ${current}, saving model`);
      this.best = current;
    }
    const path = formatPath(this.filepath, epoch, logs);
    await this.model.save(path);
    this.saved.push(path);
  }
}

export interface ReduceLROnPlateauOptions { monitor?: string; factor?: number; patience?: number; mode?: Mode; minDelta?: number; cooldown?: number; minLr?: number; verbose?: number }

/** Multiplies the learning rate by `factor` after `patience` epochs without improvement. */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string; readonly factor: number; readonly patience: number; readonly minDelta: number;
  readonly cooldown: number; readonly minLr: number; readonly verbose: number;
  private readonly better: (a: number, b: number) => boolean;
  private best = NaN; private wait = 0; private cooldownLeft = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    super();
    this.monitor = options.monitor ?? "val_loss";
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor > 0)) throw new RangeError(`ReduceLROnPlateau: factor must be in (0, 1), got ${this.factor}`);
    this.patience = options.patience ?? 10;
    this.minDelta = options.minDelta ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    this.verbose = options.verbose ?? 0;
    this.better = isBetter(options.mode ?? "auto", this.monitor);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const opt = this.model.optimizer;
    if (opt) logs.learning_rate = opt.currentLearningRate();
    const current = monitored(logs, this.monitor, "ReduceLROnPlateau");
    if (current === undefined || !opt) return;
    if (this.cooldownLeft > 0) { this.cooldownLeft--; this.wait = 0; }
    if (Number.isNaN(this.best) || (this.better(current, this.best) && Math.abs(current - this.best) > this.minDelta)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownLeft === 0 && ++this.wait >= this.patience) {
      if (typeof opt.learningRate !== "number") throw new TypeError("ReduceLROnPlateau: the optimizer's learning rate is a schedule; use a number");
      const next = Math.max(opt.learningRate * this.factor, this.minLr);
      if (next < opt.learningRate) {
        opt.learningRate = next;
        if (this.verbose) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${next}.`);
      }
      this.cooldownLeft = this.cooldown;
      this.wait = 0;
    }
  }
}

/** Appends one CSV row per epoch (epoch, then the logs in sorted order). */
export class CSVLogger extends Callback {
  private keys: string[] | null = null;
  constructor(readonly filename: string, readonly options: { separator?: string; append?: boolean } = {}) { super(); }

  onTrainBegin(): void {
    this.keys = null;
    if (!this.options.append || !existsSync(this.filename)) writeFileSync(this.filename, "");
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const sep = this.options.separator ?? ",";
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      const fresh = !existsSync(this.filename) || !this.options.append || appendingToEmpty(this.filename);
      if (fresh) appendFileSync(this.filename, ["epoch", ...this.keys].join(sep) + "\n");
    }
    appendFileSync(this.filename, [epoch, ...this.keys.map((k) => logs[k] ?? "")].join(sep) + "\n");
  }
}

function appendingToEmpty(path: string): boolean {
  return statSync(path).size === 0;
}

/** Stops training at the first batch whose loss is NaN or infinite, naming the batch. */
export class TerminateOnNaN extends Callback {
  /** Where it stopped: [epoch, batch], or null. */
  stoppedAt: [number, number] | null = null;
  private epoch = 0;

  onEpochBegin(epoch: number): void { this.epoch = epoch; }

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
  constructor(readonly schedule: (epoch: number, lr: number) => number, readonly verbose = 0) { super(); }

  onEpochBegin(epoch: number): void {
    const opt = this.model.optimizer;
    if (!opt) return;
    const next = this.schedule(epoch, opt.currentLearningRate());
    if (!(typeof next === "number" && Number.isFinite(next) && next > 0)) throw new RangeError(`LearningRateScheduler: schedule returned ${next} at epoch ${epoch}`);
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
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}
