/**
 * The model as the training loop sees it, one pass of evaluation (loss and metrics in inference
 * mode), and predict.
 */
import { noGrad } from "../autodiff/grad.js";
import type { Variable } from "../autodiff/variable.js";
import { backend } from "../backends/registry.js";
import { Dataset, type Example } from "../data/dataset.js";
import { applyActivation } from "../layers/activation-names.js";
import { concat } from "../ops/shape.js";
import { holdArrays, isDeviceBackend, readArrays, readingAfter } from "../tensor/device.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Logs, TrainingModel } from "./callbacks.js";
import type { Compiled } from "./compile.js";
import { weightedLoss } from "./objective.js";
import { batchRanges, sliceRows } from "./rows.js";
import { checkTargets, countOf, type OutputSpecs } from "./targets.js";

/** A model split after its frozen, deterministic beginning (see models/frozen-prefix.ts). */
export interface FrozenPrefix {
  prefixForward(inputs: Tensor[]): Tensor[];
  forwardSuffix(cached: Tensor[], training: boolean, logits?: readonly boolean[]): Tensor[];
  layers: { name: string }[];
  frozenParams: number;
}

export interface FitModel extends TrainingModel, OutputSpecs {
  readonly name: string;
  trainableWeights: Variable[];
  /** Every variable, trainable or not (broadcast from rank 0 in data-parallel training). */
  readonly weights: Variable[];
  compiled: Compiled | null;
  /** The outputs' names, once the model is built. */
  readonly outputNames: string[];
  /** Runs the model; outputs flagged in `logits` come back before their softmax/sigmoid. */
  forward(inputs: Tensor[], training: boolean, logits?: readonly boolean[]): Tensor[];
  regularizationLosses(): Tensor<"float32">[];
  /** The frozen beginning fit may cache (cacheFrozenPrefix), or null. */
  frozenPrefix?(): FrozenPrefix | null;
}

export type Inputs = Tensor | Tensor[];
export type ValidationData = [Inputs, Inputs] | [Inputs, Inputs, Tensor] | Dataset<Example>;

export const list = (x: Inputs): Tensor[] => (Array.isArray(x) ? x : [x]);

export function assertCompiled(model: FitModel, who: string): Compiled {
  if (!model.compiled) throw new Error(`${who}: the model must be compiled first (model.compile({ optimizer, loss, metrics }))`);
  return model.compiled;
}

/** The predictions metrics see: outputs that came back as logits go through their activation. */
export function predictions(compiled: Compiled, outputs: Tensor[]): Tensor[] {
  return noGrad(() =>
    outputs.map((o, i) => {
      const act = compiled.logits[i];
      return act ? applyActivation(act, o) : o;
    }),
  );
}

/** Running, sample-weighted means of the losses, and the metrics' states, for one pass. */
export class EpochLogs {
  private lossSum = 0;
  private outputSums: number[];
  private weight = 0;
  constructor(
    private readonly compiled: Compiled,
    private readonly names: () => string[],
  ) {
    this.outputSums = compiled.losses.map(() => 0);
    for (const ms of compiled.metrics) for (const m of ms) m.reset();
  }

  add(loss: number, outputLosses: number[], ys: Tensor[], preds: Tensor[], sw: Tensor | null): void {
    const n = ys[0].shape[0];
    this.lossSum += loss * n;
    outputLosses.forEach((l, i) => (this.outputSums[i] += l * n));
    this.weight += n;
    const weights = sw ? sw.floats() : null;
    noGrad(() => this.compiled.metrics.forEach((ms, i) => ms.forEach((m) => m.update(ys[i], preds[i], weights))));
  }

  /** Every accumulator (losses, weight, each metric's state) in one array, to be summed across workers. */
  state(): Float64Array {
    const metrics = this.compiled.metrics.flat();
    const missing = metrics.find((m) => !m.state || !m.setState);
    if (missing) throw new Error(`metric '${missing.name}' has no state()/setState(), so it cannot be combined across workers`);
    return Float64Array.from([this.lossSum, this.weight, ...this.outputSums, ...metrics.flatMap((m) => m.state!())]);
  }

  setState(s: Float64Array): void {
    [this.lossSum, this.weight] = [s[0], s[1]];
    let at = 2;
    for (let i = 0; i < this.outputSums.length; i++) this.outputSums[i] = s[at++];
    for (const m of this.compiled.metrics.flat()) {
      const n = m.state!().length;
      m.setState!(s.subarray(at, at + n));
      at += n;
    }
  }

  logs(prefix = ""): Logs {
    const out: Logs = { [`${prefix}loss`]: this.lossSum / Math.max(this.weight, 1) };
    const names = this.compiled.losses.length > 1 ? this.names() : null;
    if (names) names.forEach((name, i) => (out[`${prefix}${name}_loss`] = this.outputSums[i] / Math.max(this.weight, 1)));
    this.compiled.metrics.forEach((ms, i) => ms.forEach((m) => (out[`${prefix}${names ? `${names[i]}_` : ""}${m.name}`] = m.result())));
    return out;
  }
}

/** One pass over `data` in inference mode: the loss and metrics, their names prefixed. */
export async function evaluateLogs(model: FitModel, compiled: Compiled, data: ValidationData, batchSize: number, prefix: string): Promise<Logs> {
  const running = new EpochLogs(compiled, () => model.outputNames);
  const wantLogits = compiled.logits.map((a) => a !== null);
  const device = isDeviceBackend(backend().name);
  const evalBatch = async (bx: Tensor[], by: Tensor[], bw: Tensor | null) => {
    const { total, parts, preds } = noGrad(() => {
      const outputs = model.forward(bx, false, wantLogits);
      return { ...weightedLoss(compiled, by, outputs, bw, model.regularizationLosses()), preds: predictions(compiled, outputs) };
    });
    // a device backend (webgpu) computed the batch asynchronously: its results (and the targets, when a kernel cut them) come to the CPU here
    if (device) await readArrays([total, ...parts, ...preds, ...by, ...(bw ? [bw] : [])].map((t) => t.values));
    running.add(
      total.item(),
      parts.map((p) => p.item()),
      by,
      preds,
      bw,
    );
  };
  // on a device, the weights are uploaded once for the pass, not at every batch
  const weights = device ? model.weights.map((w) => w.values) : [];
  if (device) holdArrays(weights);
  const pass = async () => {
    if (data instanceof Dataset) {
      for await (const el of data) await evalBatch(list(el.x), list(el.y!), el.sampleWeight ?? null);
    } else {
      const [vx, vy, vw] = data as [Inputs, Inputs, Tensor?];
      const xs = list(vx),
        ys = list(vy);
      for (const [start, count] of batchRanges(xs[0].shape[0], batchSize)) {
        const part = (t: Tensor) => sliceRows(t, start, count);
        await evalBatch(xs.map(part), ys.map(part), vw ? part(vw) : null);
      }
    }
  };
  if (device) await readingAfter(pass, () => weights);
  else await pass();
  return running.logs(prefix);
}

export interface EvaluateOptions {
  batchSize?: number;
  sampleWeight?: Tensor;
  verbose?: 0 | 1;
}

/** Loss and metrics in inference mode, as an object of Keras's names. */
export async function evaluate(model: FitModel, x: Inputs | Dataset<Example>, y: Inputs | undefined, options: EvaluateOptions = {}): Promise<Logs> {
  const who = `Model '${model.name}'.evaluate`;
  const compiled = assertCompiled(model, who);
  if (x instanceof Dataset) return evaluateLogs(model, compiled, x, options.batchSize ?? 32, "");
  if (y === undefined) throw new RangeError(`${who}: targets y are required`);
  const xs = list(x),
    ys = list(y);
  if (countOf(xs, who, "inputs") !== countOf(ys, who, "targets")) throw new RangeError(`${who}: inputs and targets have different numbers of samples`);
  checkTargets(model, compiled, xs, ys, who);
  const data: ValidationData = options.sampleWeight ? [xs, ys, options.sampleWeight] : [xs, ys];
  const logs = await evaluateLogs(model, compiled, data, options.batchSize ?? 32, "");
  if (options.verbose)
    console.log(
      Object.entries(logs)
        .map(([k, v]) => `${k}: ${v.toFixed(4)}`)
        .join(" - "),
    );
  return logs;
}

/**
 * What one chunk's largest activation may take: it bounds predict's memory on big inputs. Chunks
 * sized to the cache (8 MB) paid off before the buffer pool recycled a graph's intermediates; with
 * it, whole batches run faster (MNIST CNN at batch 1024 on a 2-core Zen 3, best of 5 per process:
 * 101-113 ms in 8 MB chunks of 96 images, 78-95 in 16-32 MB chunks, 69-82 in one batch).
 */
export const PREDICT_CHUNK_BYTES = 128 * 1024 * 1024;
/**
 * The fewest samples a chunk takes all the same: below it, convolutions run short products and
 * Winograd tiles too few to be fast (VGG16 at 224x224: 11 images/s in chunks of 1, 14 in chunks of 8).
 */
export const PREDICT_MIN_CHUNK = 8;

/**
 * Outputs in inference mode, batch by batch, concatenated. A batch whose largest activation would
 * exceed PREDICT_CHUNK_BYTES runs in smaller chunks (the results are the same: inference treats
 * samples apart).
 */
export function predict(
  model: Pick<FitModel, "name" | "forward"> & { largestActivationBytes?(): number | null },
  x: Inputs,
  options: { batchSize?: number } = {},
): Tensor[] {
  const xs = list(x);
  const n = countOf(xs, `Model '${model.name}'.predict`, "inputs");
  const perSample = model.largestActivationBytes?.() ?? null;
  const fits = perSample ? Math.max(PREDICT_MIN_CHUNK, Math.floor(PREDICT_CHUNK_BYTES / perSample)) : Infinity;
  const chunks = noGrad(() =>
    batchRanges(n, Math.min(options.batchSize ?? 32, fits)).map(([start, count]) =>
      model.forward(
        xs.map((t) => sliceRows(t, start, count)),
        false,
      ),
    ),
  );
  if (chunks.length === 0) throw new RangeError(`Model '${model.name}'.predict: no samples`);
  return chunks[0].map((_, i) =>
    chunks.length === 1
      ? chunks[0][i]
      : concat(
          chunks.map((c) => c[i]),
          0,
        ),
  );
}

/**
 * Runs a (frozen) model over a Dataset of { x, y } batches or over tensors once and returns its
 * outputs, with the labels alongside: the course's feature extraction with a pretrained base,
 * done by hand (fit's cacheFrozenPrefix does it automatically).
 */
export async function extractFeatures(
  model: Pick<FitModel, "name" | "forward">,
  data: Dataset<Example> | Inputs,
  options: { batchSize?: number } = {},
): Promise<{ features: Tensor; labels?: Tensor }> {
  if (!(data instanceof Dataset)) return { features: predict(model, data, options)[0] };
  const features: Tensor[] = [],
    labels: Tensor[] = [];
  for await (const el of data) {
    features.push(noGrad(() => model.forward(list(el.x), false)[0]));
    if (el.y !== undefined) labels.push(list(el.y)[0]);
  }
  if (features.length === 0) throw new RangeError(`extractFeatures: the dataset for '${model.name}' is empty`);
  return { features: concat(features, 0), ...(labels.length ? { labels: concat(labels, 0) } : {}) };
}
