/**
 * Callbacks that watch a monitored value (val_loss by default) across epochs: EarlyStopping,
 * ModelCheckpoint and ReduceLROnPlateau, with Keras's modes and options.
 */
import type { Tensor } from "../tensor/tensor.js";
import { Callback, type Logs } from "./callback-base.js";

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
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: Mode;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
  baseline?: number;
  verbose?: number;
}

/**
 * Stops when `monitor` has not improved by more than minDelta for `patience` epochs. With
 * restoreBestWeights, the weights of the best epoch are put back when training ends (stopped
 * early or not).
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly baseline: number | undefined;
  readonly verbose: number;
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

export interface ModelCheckpointOptions {
  monitor?: string;
  saveBestOnly?: boolean;
  mode?: Mode;
  verbose?: number;
}

/** Saves the model after each epoch (or only when `monitor` improves); files are written atomically. */
export class ModelCheckpoint extends Callback {
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly verbose: number;
  private readonly better: (a: number, b: number) => boolean;
  best = NaN;
  readonly saved: string[] = [];

  constructor(
    readonly filepath: string,
    options: ModelCheckpointOptions = {},
  ) {
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

export interface ReduceLROnPlateauOptions {
  monitor?: string;
  factor?: number;
  patience?: number;
  mode?: Mode;
  minDelta?: number;
  cooldown?: number;
  minLr?: number;
  verbose?: number;
}

/** Multiplies the learning rate by `factor` after `patience` epochs without improvement. */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: number;
  private readonly better: (a: number, b: number) => boolean;
  private best = NaN;
  private wait = 0;
  private cooldownLeft = 0;

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
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.wait = 0;
    }
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
