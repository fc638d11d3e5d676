/**
 * The training loop behind Model.fit, evaluate and predict: batching (a gather of shuffled rows
 * per batch, or a Dataset), the gradient step, optimizer updates, sample and class weights,
 * running metrics, validation, callbacks and the History. Targets are checked against the model's
 * outputs before the first step, so that a wrong loss or out-of-range labels fail with a clear
 * message rather than deep inside a kernel.
 */
import { valueAndGrad, noGrad } from "../autodiff/grad.js";
import type { Variable } from "../autodiff/variable.js";
import { Dataset, type Example } from "../data/dataset.js";
import { add, mul } from "../ops/arithmetic.js";
import { mean, sum } from "../ops/reduce.js";
import { concat, gather, slice } from "../ops/shape.js";
import { generator } from "../tensor/random.js";
import { shapeToString } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/creation.js";
import { classWeightsFor, type ClassWeight, sampleClasses } from "../data/balance.js";
import { Callback, type CallbackHooks, History, type Logs, type TrainingModel } from "./callbacks.js";
import type { Loss } from "./losses.js";
import type { Metric } from "./metrics.js";
import type { Optimizer } from "./optimizers.js";
import { ProgbarLogger } from "./progress.js";
import { shapeString, type SymShape } from "../layers/layer.js";

/** What compile() settled: one loss (and metric list) per model output. */
export interface Compiled {
  optimizer: Optimizer;
  losses: Loss[];
  lossWeights: number[];
  metrics: Metric[][];
}

/** The model as the loop sees it. */
export interface FitModel extends TrainingModel {
  readonly name: string;
  trainableWeights: Variable[];
  compiled: Compiled | null;
  /** Output names and symbolic shapes (batch null), building the model from `sample` if needed. */
  outputSpecs(sample: Tensor[]): { name: string; shape: SymShape }[];
  forward(inputs: Tensor[], training: boolean): Tensor[];
  regularizationLosses(): Tensor[];
}

export type Inputs = Tensor | Tensor[];
export type ValidationData = [Inputs, Inputs] | [Inputs, Inputs, Tensor] | Dataset<Example>;

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
}

const list = (x: Inputs): Tensor[] => (Array.isArray(x) ? x : [x]);

function assertCompiled(model: FitModel, who: string): Compiled {
  if (!model.compiled) throw new Error(`${who}: the model must be compiled first (model.compile({ optimizer, loss, metrics }))`);
  return model.compiled;
}

function countOf(xs: Tensor[], who: string, what: string): number {
  if (xs.length === 0) throw new RangeError(`${who}: no ${what} given`);
  xs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${who}: ${what} ${i} must be a Tensor, got ${t === null ? "null" : typeof t}`);
  });
  const n = xs[0].rank === 0 ? 1 : xs[0].shape[0];
  for (const t of xs) {
    if (t.rank === 0 || t.shape[0] !== n) throw new RangeError(`${who}: all ${what} need the same number of samples (first dimension), got ${xs.map((u) => shapeToString(u.shape)).join(" and ")}`);
  }
  return n;
}

/** Checks targets against outputs and losses: shapes, label ranges, loss/output fit. */
export function checkTargets(model: FitModel, compiled: Compiled, xs: Tensor[], ys: Tensor[], who: string): void {
  const specs = model.outputSpecs(xs.map((x) => slice(x, x.shape.map(() => 0), [Math.min(1, x.shape[0]), ...x.shape.slice(1)])));
  if (ys.length !== specs.length) throw new RangeError(`${who}: the model has ${specs.length} output(s) but ${ys.length} target array(s) were given`);
  specs.forEach(({ name, shape }, i) => {
    const y = ys[i], loss = compiled.losses[i];
    const width = shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
    const perSample = y.rank <= 1 ? 1 : y.size / y.shape[0];
    const classes = shape[shape.length - 1] ?? 0;
    if (loss.kind === "sparse") {
      if (perSample !== width / Math.max(classes, 1)) {
        throw new RangeError(`${who}: sparse_categorical_crossentropy takes one integer label per sample; output '${name}' ${shapeString(shape)} needs targets of shape [n], got ${shapeToString(y.shape)}${perSample === classes ? " (one-hot targets: use categorical_crossentropy)" : ""}`);
      }
      const v = y.values;
      for (let j = 0; j < v.length; j++) {
        if (!(v[j] >= 0 && v[j] < classes && Number.isInteger(v[j]))) {
          throw new RangeError(`${who}: labels must be integers in [0, ${classes}) for the ${classes}-way output '${name}'; found ${v[j]} at sample ${j}`);
        }
      }
    } else if (loss.kind === "binary" && width !== perSample) {
      const hint = width > 1 && perSample === 1 ? ` For ${width} classes use sparse_categorical_crossentropy (integer labels) or categorical_crossentropy (one-hot), with a softmax output.` : "";
      throw new RangeError(`${who}: binary_crossentropy compares one probability per target: output '${name}' gives ${width} value(s) per sample but the targets have ${perSample}.${hint}`);
    } else if ((loss.kind === "categorical" || loss.kind === "regression") && width !== perSample) {
      const hint = loss.kind === "categorical" && perSample === 1 ? " (integer labels: use sparse_categorical_crossentropy)" : "";
      throw new RangeError(`${who}: ${loss.name} needs targets with ${width} value(s) per sample to match output '${name}' ${shapeString(shape)}, got ${shapeToString(y.shape)}${hint}`);
    }
  });
}

/** A training step: forward in training mode, loss (weighted, plus regularization), gradients, update. */
function makeTrainStep(model: FitModel, compiled: Compiled) {
  let preds: Tensor[] = [];
  let outputLosses: number[] = [];
  const lossAndGrads = valueAndGrad((_vars: Variable[], xs: Tensor[], ys: Tensor[], sw: Tensor | null) => {
    preds = model.forward(xs, true);
    let total: Tensor | null = null;
    const parts: Tensor[] = [];
    preds.forEach((p, i) => {
      const per = compiled.losses[i].perSample(ys[i], p);
      const l = sw ? mul(sum(mul(per, sw)), 1 / per.size) : mean(per);
      parts.push(l);
      const weighted = compiled.lossWeights[i] === 1 ? l : mul(l, compiled.lossWeights[i]);
      total = total ? add(total, weighted) : weighted;
    });
    for (const r of model.regularizationLosses()) total = add(total!, r);
    outputLosses = parts.map((t) => t.item());
    return total!;
  });
  return (xs: Tensor[], ys: Tensor[], sw: Tensor | null): { loss: number; outputLosses: number[]; preds: Tensor[] } => {
    const vars = model.trainableWeights;
    const { value, grads } = lossAndGrads(vars, xs, ys, sw);
    if (vars.length > 0) compiled.optimizer.apply(grads, vars);
    return { loss: value.item(), outputLosses, preds };
  };
}

/** Running, sample-weighted means of the losses, and the metrics' states, for one pass. */
class EpochLogs {
  private lossSum = 0;
  private outputSums: number[];
  private weight = 0;
  constructor(private readonly compiled: Compiled, private readonly names: string[]) {
    this.outputSums = names.map(() => 0);
    for (const ms of compiled.metrics) for (const m of ms) m.reset();
  }

  add(loss: number, outputLosses: number[], ys: Tensor[], preds: Tensor[], sw: Float32Array | null): void {
    const n = ys[0].shape[0];
    this.lossSum += loss * n;
    outputLosses.forEach((l, i) => (this.outputSums[i] += l * n));
    this.weight += n;
    noGrad(() => this.compiled.metrics.forEach((ms, i) => ms.forEach((m) => m.update(ys[i], preds[i], sw))));
  }

  logs(prefix = ""): Logs {
    const out: Logs = { [`${prefix}loss`]: this.lossSum / Math.max(this.weight, 1) };
    const multi = this.names.length > 1;
    if (multi) this.names.forEach((name, i) => (out[`${prefix}${name}_loss`] = this.outputSums[i] / Math.max(this.weight, 1)));
    this.compiled.metrics.forEach((ms, i) => ms.forEach((m) => (out[`${prefix}${multi ? `${this.names[i]}_` : ""}${m.name}`] = m.result())));
    return out;
  }
}

class CallbackList {
  constructor(private readonly callbacks: (Callback | CallbackHooks)[]) {}
  async call<K extends keyof CallbackHooks>(hook: K, ...args: Parameters<NonNullable<CallbackHooks[K]>>): Promise<void> {
    for (const cb of this.callbacks) {
      const fn = (cb as CallbackHooks)[hook] as ((...a: unknown[]) => unknown) | undefined;
      if (fn) await fn.apply(cb, args);
    }
  }
}

function batchOf(t: Tensor, indices: number[]): Tensor {
  return gather(t, indices, 0);
}

/** Sample weights from class weights (by each sample's class) times explicit sample weights. */
function combinedWeights(ys: Tensor[], compiled: Compiled, options: FitOptions): Float32Array | null {
  let w: Float32Array | null = options.sampleWeight ? Float32Array.from(options.sampleWeight.values) : null;
  if (options.classWeight) {
    const classes = sampleClasses(ys[0], compiled.losses[0].kind);
    const table = options.classWeight === "balanced" ? classWeightsFor(classes) : options.classWeight;
    const cw = Float32Array.from(classes, (c) => {
      const v = table[c];
      if (v === undefined) throw new RangeError(`fit: classWeight has no entry for class ${c}`);
      return v;
    });
    w = w ? w.map((v, i) => v * cw[i]) : cw;
  }
  return w;
}

export async function fit(model: FitModel, x: Inputs | Dataset<Example>, y: Inputs | undefined, options: FitOptions = {}): Promise<History> {
  const who = `Model '${model.name}'.fit`;
  const compiled = assertCompiled(model, who);
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const verbose = options.verbose ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`${who}: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`${who}: batchSize must be a positive integer, got ${batchSize}`);
  const step = makeTrainStep(model, compiled);

  // the training data as index batches over tensors, or a Dataset
  let xs: Tensor[] = [], ys: Tensor[] = [], sw: Float32Array | null = null, n = 0;
  let validation = options.validationData;
  const fromDataset = x instanceof Dataset;
  if (!fromDataset) {
    if (y === undefined) throw new RangeError(`${who}: targets y are required (or pass a Dataset of { x, y })`);
    xs = list(x);
    ys = list(y);
    n = countOf(xs, who, "inputs");
    const ny = countOf(ys, who, "targets");
    if (ny !== n) throw new RangeError(`${who}: ${n} input samples but ${ny} target samples`);
    if (options.sampleWeight && options.sampleWeight.size !== n) throw new RangeError(`${who}: sampleWeight has ${options.sampleWeight.size} values for ${n} samples`);
    checkTargets(model, compiled, xs, ys, who);
    sw = combinedWeights(ys, compiled, options);
    if (options.validationSplit) {
      const split = options.validationSplit;
      if (!(split > 0 && split < 1)) throw new RangeError(`${who}: validationSplit must be in (0, 1), got ${split}`);
      const nVal = Math.floor(n * split);
      const nTrain = n - nVal;
      const part = (t: Tensor, begin: number, count: number) => slice(t, [begin, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1)]);
      validation = [xs.map((t) => part(t, nTrain, nVal)), ys.map((t) => part(t, nTrain, nVal))];
      xs = xs.map((t) => part(t, 0, nTrain));
      ys = ys.map((t) => part(t, 0, nTrain));
      if (sw) sw = sw.slice(0, nTrain);
      n = nTrain;
    }
  } else if (y !== undefined) {
    throw new RangeError(`${who}: when x is a Dataset, it yields the targets too; do not pass y`);
  }
  if (validation && !(validation instanceof Dataset)) {
    const [vx, vy] = validation;
    checkTargets(model, compiled, list(vx), list(vy), `${who} (validationData)`);
  }

  const steps = fromDataset ? options.stepsPerEpoch ?? (x as Dataset<Example>).cardinality : Math.ceil(n / batchSize);
  const history = new History();
  const callbacks: (Callback | CallbackHooks)[] = [history, ...(options.callbacks ?? [])];
  if (verbose > 0) callbacks.push(new ProgbarLogger(verbose));
  for (const cb of callbacks) {
    if (cb instanceof Callback) {
      cb.setModel(model);
      cb.setParams({ epochs, steps, verbose });
    }
  }
  const cbs = new CallbackList(callbacks);
  model.stopTraining = false;
  await cbs.call("onTrainBegin", {});
  for (let epoch = options.initialEpoch ?? 0; epoch < epochs && !model.stopTraining; epoch++) {
    await cbs.call("onEpochBegin", epoch, {});
    const running = new EpochLogs(compiled, model.outputSpecs([]).map((s) => s.name));
    let batch = 0;
    const runBatch = async (bx: Tensor[], by: Tensor[], bw: Tensor | null) => {
      await cbs.call("onTrainBatchBegin", batch, {});
      const r = step(bx, by, bw);
      running.add(r.loss, r.outputLosses, by, r.preds, bw ? (bw.values as Float32Array) : null);
      await cbs.call("onTrainBatchEnd", batch, running.logs());
      batch++;
    };
    if (!fromDataset) {
      const order = Array.from({ length: n }, (_, i) => i);
      if (options.shuffle ?? true) generator(options.seed === undefined ? undefined : options.seed + epoch).shuffle(order);
      for (let start = 0; start < n && !model.stopTraining; start += batchSize) {
        const idx = order.slice(start, start + batchSize);
        const bw = sw ? tensor(Float32Array.from(idx, (i) => sw![i]), [idx.length]) : null;
        await runBatch(xs.map((t) => batchOf(t, idx)), ys.map((t) => batchOf(t, idx)), bw);
      }
    } else {
      for await (const el of x as Dataset<Example>) {
        if (el.y === undefined) throw new RangeError(`${who}: the Dataset must yield { x, y } batches`);
        if (batch === 0 && epoch === (options.initialEpoch ?? 0)) checkTargets(model, compiled, list(el.x), list(el.y), who);
        await runBatch(list(el.x), list(el.y), el.sampleWeight ?? null);
        if (model.stopTraining || (options.stepsPerEpoch !== undefined && batch >= options.stepsPerEpoch)) break;
      }
    }
    const logs = running.logs();
    if (validation && !model.stopTraining) {
      Object.assign(logs, await evaluateLogs(model, compiled, validation, options.validationBatchSize ?? batchSize, "val_"));
    }
    await cbs.call("onEpochEnd", epoch, logs);
  }
  await cbs.call("onTrainEnd", {});
  return history;
}

async function evaluateLogs(model: FitModel, compiled: Compiled, data: ValidationData, batchSize: number, prefix: string): Promise<Logs> {
  const running = new EpochLogs(compiled, model.outputSpecs([]).map((s) => s.name));
  const evalBatch = (bx: Tensor[], by: Tensor[], bw: Tensor | null) => noGrad(() => {
    const preds = model.forward(bx, false);
    const parts = preds.map((p, i) => {
      const per = compiled.losses[i].perSample(by[i], p);
      return bw ? sum(mul(per, bw)).item() / per.size : mean(per).item();
    });
    let loss = parts.reduce((s, l, i) => s + l * compiled.lossWeights[i], 0);
    for (const r of model.regularizationLosses()) loss += r.item();
    running.add(loss, parts, by, preds, bw ? (bw.values as Float32Array) : null);
  });
  if (data instanceof Dataset) {
    for await (const el of data) evalBatch(list(el.x), list(el.y!), el.sampleWeight ?? null);
  } else {
    const [vx, vy, vw] = data as [Inputs, Inputs, Tensor?];
    const xs = list(vx), ys = list(vy);
    const n = xs[0].shape[0];
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const part = (t: Tensor) => slice(t, [start, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1)]);
      evalBatch(xs.map(part), ys.map(part), vw ? part(vw) : null);
    }
  }
  return running.logs(prefix);
}

export interface EvaluateOptions { batchSize?: number; sampleWeight?: Tensor; verbose?: 0 | 1 }

/** Loss and metrics in inference mode, as an object of Keras's names. */
export async function evaluate(model: FitModel, x: Inputs | Dataset<Example>, y: Inputs | undefined, options: EvaluateOptions = {}): Promise<Logs> {
  const who = `Model '${model.name}'.evaluate`;
  const compiled = assertCompiled(model, who);
  if (x instanceof Dataset) return evaluateLogs(model, compiled, x, options.batchSize ?? 32, "");
  if (y === undefined) throw new RangeError(`${who}: targets y are required`);
  const xs = list(x), ys = list(y);
  if (countOf(xs, who, "inputs") !== countOf(ys, who, "targets")) throw new RangeError(`${who}: inputs and targets have different numbers of samples`);
  checkTargets(model, compiled, xs, ys, who);
  const data: ValidationData = options.sampleWeight ? [xs, ys, options.sampleWeight] : [xs, ys];
  const logs = await evaluateLogs(model, compiled, data, options.batchSize ?? 32, "");
  if (options.verbose) console.log(Object.entries(logs).map(([k, v]) => `${k}: ${v.toFixed(4)}`).join(" - "));
  return logs;
}

/** Outputs in inference mode, batch by batch, concatenated. */
export function predict(model: FitModel, x: Inputs, options: { batchSize?: number } = {}): Tensor[] {
  const xs = list(x);
  const n = countOf(xs, `Model '${model.name}'.predict`, "inputs");
  const batchSize = options.batchSize ?? 32;
  const chunks: Tensor[][] = [];
  noGrad(() => {
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const part = (t: Tensor) => (count === n ? t : slice(t, [start, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1)]));
      chunks.push(model.forward(xs.map(part), false));
    }
  });
  if (chunks.length === 0) throw new RangeError(`Model '${model.name}'.predict: no samples`);
  return chunks[0].map((_, i) => (chunks.length === 1 ? chunks[0][i] : concat(chunks.map((c) => c[i]), 0)));
}
