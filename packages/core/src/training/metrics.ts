/**
 * Stateful metrics with Keras's names: each accumulates over the batches of an epoch (reset,
 * update, result). They read predictions as plain arrays; no gradients are involved.
 * 'accuracy' resolves to the accuracy that fits the loss, as in Keras.
 */
import { shapeToString } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Loss } from "./losses.js";

export interface Metric {
  readonly name: string;
  reset(): void;
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Float32Array | null): void;
  result(): number;
  /** The accumulators as numbers that add up across workers (Keras's merge_state), and back. */
  state?(): number[];
  setState?(state: ArrayLike<number>): void;
}

/** Weighted mean of a per-sample value. */
abstract class MeanMetric implements Metric {
  private total = 0;
  private count = 0;
  constructor(readonly name: string) {}
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }
  state(): number[] {
    return [this.total, this.count];
  }
  setState(s: ArrayLike<number>): void {
    [this.total, this.count] = [s[0], s[1]];
  }
  protected abstract perSample(yTrue: Tensor, yPred: Tensor): Float64Array;
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Float32Array | null): void {
    const v = this.perSample(yTrue, yPred);
    for (let i = 0; i < v.length; i++) {
      const w = sampleWeight ? sampleWeight[i] : 1;
      this.total += v[i] * w;
      this.count += w;
    }
  }
}

function rows(yPred: Tensor): [number, number] {
  const width = yPred.rank <= 1 ? 1 : yPred.shape[yPred.rank - 1];
  return [yPred.size / width, width];
}

function argmaxRow(v: ArrayLike<number>, offset: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) if (v[offset + j] > v[offset + best]) best = j;
  return best;
}

export class SparseCategoricalAccuracy extends MeanMetric {
  constructor(name = "sparse_categorical_accuracy") {
    super(name);
  }
  protected perSample(yTrue: Tensor, yPred: Tensor): Float64Array {
    const [n, width] = rows(yPred);
    if (yTrue.size !== n) throw new RangeError(`${this.name}: ${yTrue.size} labels for ${n} predictions ${shapeToString(yPred.shape)}`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = argmaxRow(yPred.values, i * width, width) === yTrue.values[i] ? 1 : 0;
    return out;
  }
}

export class CategoricalAccuracy extends MeanMetric {
  constructor(name = "categorical_accuracy") {
    super(name);
  }
  protected perSample(yTrue: Tensor, yPred: Tensor): Float64Array {
    const [n, width] = rows(yPred);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = argmaxRow(yPred.values, i * width, width) === argmaxRow(yTrue.values, i * width, width) ? 1 : 0;
    return out;
  }
}

export class BinaryAccuracy extends MeanMetric {
  constructor(
    name = "binary_accuracy",
    readonly threshold = 0.5,
  ) {
    super(name);
  }
  protected perSample(yTrue: Tensor, yPred: Tensor): Float64Array {
    const [n, width] = rows(yPred);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let hits = 0;
      for (let j = 0; j < width; j++) hits += (yPred.values[i * width + j] > this.threshold ? 1 : 0) === (yTrue.values[i * width + j] > 0.5 ? 1 : 0) ? 1 : 0;
      out[i] = hits / width;
    }
    return out;
  }
}

class ErrorMetric extends MeanMetric {
  constructor(
    name: string,
    private readonly squared: boolean,
  ) {
    super(name);
  }
  protected perSample(yTrue: Tensor, yPred: Tensor): Float64Array {
    const [n, width] = rows(yPred);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < width; j++) {
        const e = yPred.values[i * width + j] - yTrue.values[i * width + j];
        s += this.squared ? e * e : Math.abs(e);
      }
      out[i] = s / width;
    }
    return out;
  }
}

export const MeanAbsoluteError = (name = "mae") => new ErrorMetric(name, false);
export const MeanSquaredError = (name = "mse") => new ErrorMetric(name, true);

/** Binary confusion counts at one threshold (Precision, Recall). */
abstract class ConfusionMetric implements Metric {
  protected tp = 0;
  protected fp = 0;
  protected fn = 0;
  constructor(
    readonly name: string,
    readonly threshold = 0.5,
  ) {}
  reset(): void {
    this.tp = this.fp = this.fn = 0;
  }
  state(): number[] {
    return [this.tp, this.fp, this.fn];
  }
  setState(s: ArrayLike<number>): void {
    [this.tp, this.fp, this.fn] = [s[0], s[1], s[2]];
  }
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Float32Array | null): void {
    const width = yPred.size / Math.max(1, yTrue.size) >= 1 ? Math.round(yPred.size / yTrue.size) : 1;
    for (let i = 0; i < yPred.size; i++) {
      const w = sampleWeight ? sampleWeight[Math.floor(i / width)] : 1;
      const positive = yPred.values[i] > this.threshold,
        actual = yTrue.values[i] > 0.5;
      if (positive && actual) this.tp += w;
      else if (positive) this.fp += w;
      else if (actual) this.fn += w;
    }
  }
  abstract result(): number;
}

export class Precision extends ConfusionMetric {
  constructor(name = "precision", threshold = 0.5) {
    super(name, threshold);
  }
  result(): number {
    return this.tp + this.fp === 0 ? 0 : this.tp / (this.tp + this.fp);
  }
}

export class Recall extends ConfusionMetric {
  constructor(name = "recall", threshold = 0.5) {
    super(name, threshold);
  }
  result(): number {
    return this.tp + this.fn === 0 ? 0 : this.tp / (this.tp + this.fn);
  }
}

/** ROC AUC from confusion counts at evenly spaced thresholds (Keras's default 200), trapezoidal. */
export class AUC implements Metric {
  private readonly tp: Float64Array;
  private readonly fp: Float64Array;
  private pos = 0;
  private neg = 0;
  constructor(
    readonly name = "auc",
    readonly numThresholds = 200,
  ) {
    this.tp = new Float64Array(numThresholds);
    this.fp = new Float64Array(numThresholds);
  }
  private thresholdAt(i: number): number {
    // Keras: 0 - eps, evenly spaced inside, 1 + eps
    if (i === 0) return -1e-7;
    if (i === this.numThresholds - 1) return 1 + 1e-7;
    return i / (this.numThresholds - 1);
  }
  reset(): void {
    this.tp.fill(0);
    this.fp.fill(0);
    this.pos = this.neg = 0;
  }
  state(): number[] {
    return [this.pos, this.neg, ...this.tp, ...this.fp];
  }
  setState(s: ArrayLike<number>): void {
    const n = this.numThresholds;
    [this.pos, this.neg] = [s[0], s[1]];
    for (let t = 0; t < n; t++) {
      this.tp[t] = s[2 + t];
      this.fp[t] = s[2 + n + t];
    }
  }
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Float32Array | null): void {
    const width = Math.max(1, Math.round(yPred.size / Math.max(1, yTrue.size)));
    for (let i = 0; i < yPred.size; i++) {
      const w = sampleWeight ? sampleWeight[Math.floor(i / width)] : 1;
      const p = yPred.values[i],
        actual = yTrue.values[i] > 0.5;
      if (actual) this.pos += w;
      else this.neg += w;
      for (let t = 0; t < this.numThresholds; t++) {
        if (p > this.thresholdAt(t)) {
          if (actual) this.tp[t] += w;
          else this.fp[t] += w;
        } else break;
      }
    }
  }
  result(): number {
    if (this.pos === 0 || this.neg === 0) return 0;
    let area = 0;
    for (let t = 0; t < this.numThresholds - 1; t++) {
      const x0 = this.fp[t] / this.neg,
        x1 = this.fp[t + 1] / this.neg;
      const y0 = this.tp[t] / this.pos,
        y1 = this.tp[t + 1] / this.pos;
      area += ((x0 - x1) * (y0 + y1)) / 2;
    }
    return area;
  }
}

export type MetricSpec = string | Metric;

/** Resolves a metric by Keras name; 'accuracy' (or 'acc') picks the accuracy matching the loss. */
export function getMetric(spec: MetricSpec, loss: Loss): Metric {
  if (typeof spec !== "string") return spec;
  const fromLogits = loss.config.fromLogits === true;
  switch (spec) {
    case "accuracy":
    case "acc":
      if (loss.kind === "sparse") return new SparseCategoricalAccuracy(spec);
      if (loss.kind === "categorical") return new CategoricalAccuracy(spec);
      if (loss.kind === "binary") return new BinaryAccuracy(spec, fromLogits ? 0 : 0.5);
      throw new RangeError(`compile: 'accuracy' needs a classification loss, not ${loss.name}; use 'mae' or 'mse'`);
    case "sparse_categorical_accuracy":
      return new SparseCategoricalAccuracy();
    case "categorical_accuracy":
      return new CategoricalAccuracy();
    case "binary_accuracy":
      return new BinaryAccuracy("binary_accuracy", fromLogits ? 0 : 0.5);
    case "mae":
    case "mean_absolute_error":
      return MeanAbsoluteError(spec);
    case "mse":
    case "mean_squared_error":
      return MeanSquaredError(spec);
    case "precision":
      return new Precision("precision", fromLogits ? 0 : 0.5);
    case "recall":
      return new Recall("recall", fromLogits ? 0 : 0.5);
    case "auc":
      return new AUC();
    default:
      throw new RangeError(
        `compile: unknown metric '${spec}'; use accuracy, sparse_categorical_accuracy, categorical_accuracy, binary_accuracy, mae, mse, precision, recall or auc`,
      );
  }
}
