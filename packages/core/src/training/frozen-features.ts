/**
 * fit's cacheFrozenPrefix: the model's frozen, deterministic beginning (models/frozen-prefix.ts)
 * run once over the training and validation inputs, its outputs kept within a memory budget, and
 * a view of the model that trains only the rest from them.
 */
import { noGrad } from "../autodiff/grad.js";
import { availableMemoryBytes, MemoryBudget, STORE_BUDGET_CAP } from "../data/compact-store.js";
import { Dataset, type Example } from "../data/dataset.js";
import { concat } from "../ops/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type FitModel, type Inputs, list, predict } from "./evaluate.js";
import type { FitOptions } from "./fit-options.js";
import { sliceRows } from "./rows.js";

/**
 * One pass of a Dataset of { x, y } batches as tensors: its inputs through `features`, and its rows'
 * size; null when they would pass `budget` (the pass stops there).
 */
async function datasetFeatures(data: Dataset<Example>, features: (xs: Tensor[]) => Tensor[], budget: FrozenBudget, who: string) {
  const parts: { xs: Tensor[]; ys: Tensor[]; sw: Tensor | null }[] = [];
  for await (const el of data) {
    if (el.y === undefined) throw new RangeError(`${who}: the Dataset must yield { x, y } batches`);
    const part = { xs: noGrad(() => features(list(el.x))), ys: list(el.y), sw: el.sampleWeight ?? null };
    const bytes = bytesOf([...part.xs, ...part.ys, ...(part.sw ? [part.sw] : [])]);
    // the first batch's bytes times the batches of a pass: the whole, before computing it all
    if (parts.length === 0 && data.cardinality !== null && !budget.fits(bytes * data.cardinality)) return null;
    if (!budget.take(bytes)) return null;
    parts.push(part);
  }
  if (parts.length === 0) throw new RangeError(`${who}: the Dataset yielded no batches`);
  const join = (pick: (p: (typeof parts)[number]) => Tensor[]) =>
    pick(parts[0]).map((_, i) =>
      concat(
        parts.map((p) => pick(p)[i]),
        0,
      ),
    );
  const weighted = parts.every((p) => p.sw !== null);
  return {
    x: join((p) => p.xs),
    y: join((p) => p.ys),
    sw: weighted
      ? concat(
          parts.map((p) => p.sw!),
          0,
        )
      : undefined,
    batchSize: parts[0].ys[0].shape[0],
  };
}

/** Features of tensor inputs, or null when they would pass `budget`. */
function tensorFeatures(xs: Tensor[], features: (xs: Tensor[]) => Tensor[], budget: FrozenBudget): Tensor[] | null {
  const out = features(xs);
  return budget.take(bytesOf(out)) ? out : null;
}

const bytesOf = (ts: readonly Tensor[]) => ts.reduce((sum, t) => sum + t.size * 4, 0);

/**
 * The default budget of the kept outputs: half the memory the platform says is available, without
 * Dataset.cache's cap of 512 MiB, since outputs not kept cost the frozen layers' forward pass on
 * every batch of every epoch (a photo cache's cost a decode).
 */
export function defaultFrozenBudget(): number {
  const available = availableMemoryBytes();
  return available > 0 ? available / 2 : STORE_BUDGET_CAP;
}

/**
 * The memory cacheFrozenPrefix's kept outputs (with the Dataset's targets and weights) may take,
 * the training and validation sets' together: a MemoryBudget, and the most they were found to
 * need, for the message when they do not fit.
 */
class FrozenBudget {
  readonly budget: MemoryBudget;
  private taken = 0;
  /** The bytes taken and the largest further need asked about. */
  needed = 0;
  /** Whether `needed` is only a lower bound: a pass stopped without an estimate of its whole. */
  atLeast = false;
  constructor(option: FitOptions["cacheFrozenPrefix"], who: string) {
    const maxBytes = typeof option === "object" ? option.maxBytes : undefined;
    if (!(maxBytes === undefined || maxBytes instanceof MemoryBudget || (typeof maxBytes === "number" && maxBytes >= 0))) {
      throw new RangeError(`${who}: cacheFrozenPrefix.maxBytes must be a number of bytes >= 0 or a MemoryBudget, got ${String(maxBytes)}`);
    }
    this.budget = maxBytes instanceof MemoryBudget ? maxBytes : new MemoryBudget(maxBytes ?? defaultFrozenBudget());
  }
  /** Whether an estimated `bytes` more would fit. */
  fits(bytes: number): boolean {
    this.needed = Math.max(this.needed, this.taken + bytes);
    return this.budget.used + bytes <= this.budget.maxBytes;
  }
  take(bytes: number): boolean {
    if (this.budget.take(bytes)) {
      this.taken += bytes;
      return true;
    }
    if (this.taken + bytes > this.needed) [this.needed, this.atLeast] = [this.taken + bytes, true];
    return false;
  }
  /** Gives every byte taken back to the budget (the features are dropped, or training ended). */
  release(): void {
    this.budget.give(this.taken);
    this.taken = 0;
  }
}

/**
 * With cacheFrozenPrefix: the inputs as the frozen beginning's outputs (computed once, before the
 * first epoch; a Dataset is read for one pass and its examples reshuffled into new batches each
 * epoch), and a model view that runs only the rest. Null when the model has nothing to cache, or
 * when the features would pass the memory budget (the model then trains whole, which it says).
 */
export async function frozenView(model: FitModel, x: Inputs | Dataset<Example>, y: Inputs | undefined, options: FitOptions, who: string) {
  const split = options.cacheFrozenPrefix ? (model.frozenPrefix?.() ?? null) : null;
  if (!split) {
    if (options.cacheFrozenPrefix) console.warn(`${who}: cacheFrozenPrefix: the model has no frozen, deterministic beginning with weights; training it whole`);
    return null;
  }
  if (x instanceof Dataset) {
    if (y !== undefined) throw new RangeError(`${who}: when x is a Dataset, it yields the targets too; do not pass y`);
    if (options.sampleWeight || options.validationSplit)
      throw new RangeError(`${who}: sampleWeight and validationSplit apply to tensors; a Dataset carries its own`);
  }
  const t0 = performance.now();
  const features = (xs: Tensor[]) => predict({ name: "prefix", forward: (b: Tensor[]) => split.prefixForward(b) }, xs, { batchSize: 64 });
  const budget = new FrozenBudget(options.cacheFrozenPrefix, who);
  let cached: Awaited<ReturnType<typeof cachedFeatures>> = null;
  try {
    cached = await cachedFeatures(x, y, options, features, budget, who);
  } finally {
    // nothing kept (past the budget, or a pass that threw): its bytes go back
    if (!cached) budget.release();
  }
  if (!cached) {
    const mb = (b: number) => (b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(0)} MB` : `${(b / 1024).toFixed(1)} KB`);
    const { maxBytes, used } = budget.budget;
    console.warn(
      `${who}: cacheFrozenPrefix: the frozen beginning's outputs would take ${budget.atLeast ? "more than" : "about"} ${mb(budget.needed)}, past the memory budget of ${mb(maxBytes)}` +
        `${used > 0 ? ` (${mb(used)} of it in use)` : ""}; keeping none, the whole model runs on every batch instead (cacheFrozenPrefix: { maxBytes } raises the budget)`,
    );
    return null;
  }
  const view = new Proxy(model, {
    get: (target, p) =>
      p === "forward"
        ? (xs: Tensor[], training: boolean, logits?: readonly boolean[]) => split.forwardSuffix(xs, training, logits)
        : Reflect.get(target, p, target),
  });
  if ((options.verbose ?? 1) > 0) {
    const all = split.layers.map((l) => l.name);
    const names = all.length > 4 ? `${all.slice(0, 2).join(", ")}, ..., ${all.at(-1)} (${all.length} layers)` : all.join(", ");
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(
      `cacheFrozenPrefix: ${names}, ${split.frozenParams.toLocaleString("en-US")} frozen parameters, computed once, before training (${seconds} s); training the rest`,
    );
  }
  return { view, ...cached, release: () => budget.release() };
}

/** The training inputs and validation data as features, or null when they would pass the budget. */
async function cachedFeatures(
  x: Inputs | Dataset<Example>,
  y: Inputs | undefined,
  options: FitOptions,
  features: (xs: Tensor[]) => Tensor[],
  budget: FrozenBudget,
  who: string,
): Promise<{ x: Inputs; y: Inputs | undefined; options: FitOptions } | null> {
  // tensors' features: the first example's bytes times the examples, before computing any
  const tensorSets = [x, options.validationData instanceof Dataset ? null : options.validationData?.[0]].filter(
    (set): set is Inputs => set !== null && set !== undefined && !(set instanceof Dataset),
  );
  if (tensorSets.length > 0 && list(tensorSets[0])[0].shape[0] > 0) {
    const first = list(tensorSets[0]);
    const perExample = bytesOf(features(first.map((t) => sliceRows(t, 0, 1))));
    if (!budget.fits(tensorSets.reduce((sum, set) => sum + list(set)[0].shape[0] * perExample, 0))) return null;
  }
  let train: { x: Inputs; y: Inputs | undefined; options: FitOptions };
  if (x instanceof Dataset) {
    const d = await datasetFeatures(x, features, budget, who);
    if (!d) return null;
    train = { x: d.x, y: d.y, options: { batchSize: d.batchSize, ...options, sampleWeight: d.sw } };
  } else {
    const fx = tensorFeatures(list(x), features, budget);
    if (!fx) return null;
    train = { x: fx, y, options };
  }
  let validation = options.validationData;
  if (validation instanceof Dataset) {
    const v = await datasetFeatures(validation, features, budget, `${who} (validationData)`);
    if (!v) return null;
    validation = v.sw ? [v.x, v.y, v.sw] : [v.x, v.y];
  } else if (validation) {
    const [vx, vy, vw] = validation as [Inputs, Inputs, Tensor?];
    const fx = tensorFeatures(list(vx), features, budget);
    if (!fx) return null;
    validation = vw ? [fx, vy, vw] : [fx, vy];
  }
  return { ...train, options: { ...train.options, validationData: validation } };
}
