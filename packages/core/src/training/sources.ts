/**
 * Where fit's batches come from: tensors in memory (checked, split for validation, gathered by
 * shuffled row indices each epoch; under data-parallel training each rank gathers its shard of
 * every global batch) or a Dataset of { x, y } batches.
 */
import { classWeightsFor, sampleClasses } from "../data/balance.js";
import type { Dataset, Example } from "../data/dataset.js";
import { tensor } from "../tensor/creation.js";
import { assertOnHost } from "../tensor/device.js";
import { generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Compiled } from "./compile.js";
import { type FitModel, type Inputs, list } from "./evaluate.js";
import type { FitOptions } from "./fit-options.js";
import { pickRows, sliceRows } from "./rows.js";
import type { TrainingStrategy } from "./strategy.js";
import { checkTargets, countOf } from "./targets.js";

export interface Batch {
  xs: Tensor[];
  ys: Tensor[];
  sw: Tensor | null;
  /** Rows of the whole global batch, when this is one rank's shard of it. */
  globalRows?: number;
}

/** What the sources read of fit's options. */
export type SourceOptions = Pick<
  FitOptions,
  "batchSize" | "validationData" | "validationSplit" | "shuffle" | "seed" | "classWeight" | "sampleWeight" | "stepsPerEpoch"
>;

/** Sample weights from class weights (by each sample's class) times explicit sample weights. */
function combinedWeights(ys: Tensor[], compiled: Compiled, options: SourceOptions): Float32Array | null {
  if (options.sampleWeight) assertOnHost(options.sampleWeight.values, "fit: sampleWeight");
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

/** Tensors held in memory: checked, split for validation, and batched by shuffled row indices each epoch. */
export function tensorSource(
  model: FitModel,
  compiled: Compiled,
  x: Inputs,
  y: Inputs | undefined,
  options: SourceOptions,
  who: string,
  parallel: TrainingStrategy | null = null,
) {
  if (y === undefined) throw new RangeError(`${who}: targets y are required (or pass a Dataset of { x, y })`);
  let xs = list(x),
    ys = list(y);
  let n = countOf(xs, who, "inputs");
  const ny = countOf(ys, who, "targets");
  if (ny !== n) throw new RangeError(`${who}: ${n} input samples but ${ny} target samples`);
  if (options.sampleWeight && options.sampleWeight.size !== n)
    throw new RangeError(`${who}: sampleWeight has ${options.sampleWeight.size} values for ${n} samples`);
  checkTargets(model, compiled, xs, ys, who);
  let sw = combinedWeights(ys, compiled, options);
  let validation = options.validationData;
  if (options.validationSplit) {
    const split = options.validationSplit;
    if (!(split > 0 && split < 1)) throw new RangeError(`${who}: validationSplit must be in (0, 1), got ${split}`);
    const nTrain = n - Math.floor(n * split);
    validation = [xs.map((t) => sliceRows(t, nTrain, n - nTrain)), ys.map((t) => sliceRows(t, nTrain, n - nTrain))];
    xs = xs.map((t) => sliceRows(t, 0, nTrain));
    ys = ys.map((t) => sliceRows(t, 0, nTrain));
    sw = sw ? sw.slice(0, nTrain) : null;
    n = nTrain;
  }
  // batchSize is per rank under data-parallel training (Horovod's convention): the global batch is batchSize x ranks
  const batchSize = (options.batchSize ?? 32) * (parallel?.size ?? 1);
  async function* epochBatches(epoch: number): AsyncGenerator<Batch> {
    const order = Array.from({ length: n }, (_, i) => i);
    if (options.shuffle ?? true) generator(options.seed === undefined ? undefined : options.seed + epoch).shuffle(order);
    for (let start = 0; start < n; start += batchSize) {
      const global = order.slice(start, start + batchSize);
      const idx = parallel ? parallel.shard(global) : global;
      yield {
        xs: xs.map((t) => pickRows(t, idx)),
        ys: ys.map((t) => pickRows(t, idx)),
        globalRows: global.length,
        sw: sw
          ? tensor(
              Float32Array.from(idx, (i) => sw![i]),
              [idx.length],
            )
          : null,
      };
    }
  }
  return { steps: Math.ceil(n / batchSize), validation, epochBatches };
}

/** A Dataset of { x, y } batches, checked on its first batch. */
export function datasetSource(model: FitModel, compiled: Compiled, data: Dataset<Example>, options: SourceOptions, who: string) {
  let checked = false;
  async function* epochBatches(): AsyncGenerator<Batch> {
    let batches = 0;
    for await (const el of data) {
      if (el.y === undefined) throw new RangeError(`${who}: the Dataset must yield { x, y } batches`);
      const b = { xs: list(el.x), ys: list(el.y), sw: el.sampleWeight ?? null };
      if (!checked) checkTargets(model, compiled, b.xs, b.ys, who);
      checked = true;
      yield b;
      if (options.stepsPerEpoch !== undefined && ++batches >= options.stepsPerEpoch) break;
    }
  }
  return { steps: options.stepsPerEpoch ?? data.cardinality, validation: options.validationData, epochBatches };
}
