/**
 * The course's tricks of the trade for classification data: shuffling, interleaving classes so
 * that consecutive examples differ, balancing classes by under- or oversampling, and class
 * weights ('balanced': n_samples / (n_classes * count), as scikit-learn and Keras's docs).
 */
import { gather } from "../ops/shape.js";
import { assertOnHost } from "../tensor/device.js";
import { generator } from "../tensor/random.js";
import { shapeToString } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

export type ClassWeight = Record<number, number>;

/**
 * The class of each sample: integer labels as they are, one-hot rows by argmax, single
 * probabilities/0-1 targets by rounding.
 */
export function sampleClasses(y: Tensor, kind: "sparse" | "categorical" | "binary" | "regression" = "sparse"): Int32Array {
  const n = y.rank === 0 ? 1 : y.shape[0];
  const width = y.size / Math.max(n, 1);
  const out = new Int32Array(n);
  assertOnHost(y.values, "sampleClasses (class weights, balancing)");
  const v = y.values;
  if (width === 1) {
    for (let i = 0; i < n; i++) out[i] = kind === "binary" ? (v[i] > 0.5 ? 1 : 0) : Math.round(v[i]);
  } else if (kind === "categorical" || kind === "sparse") {
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < width; j++) if (v[i * width + j] > v[i * width + best]) best = j;
      out[i] = best;
    }
  } else {
    throw new RangeError(`class weights need one class per sample; targets ${shapeToString(y.shape)} have ${width} values each`);
  }
  return out;
}

/** 'balanced' class weights: n_samples / (n_classes * count of the class). */
export function classWeightsFor(classes: Int32Array): ClassWeight {
  const counts = new Map<number, number>();
  for (const c of classes) counts.set(c, (counts.get(c) ?? 0) + 1);
  const weights: ClassWeight = {};
  for (const [c, k] of counts) weights[c] = classes.length / (counts.size * k);
  return weights;
}

/** Counts per class, sorted by class. */
export function classCounts(y: Tensor): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const c of sampleClasses(y)) counts[c] = (counts[c] ?? 0) + 1;
  return counts;
}

function assertPaired(x: Tensor, y: Tensor, who: string): number {
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new RangeError(`${who}: x has ${n} samples but y has ${y.shape[0]}`);
  return n;
}

/** x and y reordered by one random permutation. */
export function shuffleTogether(x: Tensor, y: Tensor, options: { seed?: number } = {}): [Tensor, Tensor] {
  const n = assertPaired(x, y, "shuffleTogether");
  const order = generator(options.seed).shuffle(Array.from({ length: n }, (_, i) => i));
  return [gather(x, order, 0), gather(y, order, 0)];
}

/**
 * Reorders examples so that consecutive ones come from different classes: round-robin over the
 * classes (each class shuffled), until the classes run out.
 */
export function interleaveClasses(x: Tensor, y: Tensor, options: { seed?: number } = {}): [Tensor, Tensor] {
  assertPaired(x, y, "interleaveClasses");
  const rng = generator(options.seed);
  const byClass = new Map<number, number[]>();
  sampleClasses(y).forEach((c, i) => {
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  });
  const queues = [...byClass.keys()].sort((a, b) => a - b).map((c) => rng.shuffle(byClass.get(c)!));
  const order: number[] = [];
  for (let round = 0; queues.some((q) => round < q.length); round++) for (const q of queues) if (round < q.length) order.push(q[round]);
  return [gather(x, order, 0), gather(y, order, 0)];
}

export interface BalanceOptions {
  /** undersample: keep as many of each class as the rarest has; oversample: repeat to the commonest. */
  strategy: "undersample" | "oversample";
  seed?: number;
}

/** Equal numbers of examples per class, by dropping or repeating random examples. */
export function balanceClasses(x: Tensor, y: Tensor, options: BalanceOptions): [Tensor, Tensor] {
  assertPaired(x, y, "balanceClasses");
  if (options?.strategy !== "undersample" && options?.strategy !== "oversample") {
    throw new RangeError(`balanceClasses: strategy must be 'undersample' or 'oversample', got '${String(options?.strategy)}'`);
  }
  const rng = generator(options.seed);
  const byClass = new Map<number, number[]>();
  sampleClasses(y).forEach((c, i) => {
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  });
  const sizes = [...byClass.values()].map((v) => v.length);
  const target = options.strategy === "undersample" ? Math.min(...sizes) : Math.max(...sizes);
  const chosen: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = rng.shuffle([...byClass.get(c)!]);
    for (let k = 0; k < target; k++) chosen.push(idx[k % idx.length]);
  }
  rng.shuffle(chosen);
  return [gather(x, chosen, 0), gather(y, chosen, 0)];
}

export interface ConfidentUndersampleOptions {
  /** Examples kept per class at most (default: as many as the rarest class has). */
  target?: number;
  /** Only examples whose true class a first model gives at least this probability may be dropped (0.9). */
  threshold?: number;
  seed?: number;
}

/**
 * Heuristic subsampling (the course's class priors): from each class larger than `target`, drop
 * random examples that a first model already classifies with high confidence (probability of the
 * true class >= threshold, the low-ambiguity region), keeping every ambiguous one; a class with too
 * few confident examples keeps more than `target`. `probabilities` is the first model's [n, classes]
 * output on x.
 */
export function undersampleConfident(x: Tensor, y: Tensor, probabilities: Tensor, options: ConfidentUndersampleOptions = {}): [Tensor, Tensor] {
  const who = "undersampleConfident";
  const n = assertPaired(x, y, who);
  const k = probabilities.shape[1];
  if (probabilities.rank !== 2 || probabilities.shape[0] !== n)
    throw new RangeError(`${who}: probabilities must be [${n}, classes], got ${shapeToString(probabilities.shape)}`);
  const classes = sampleClasses(y);
  const p = probabilities.floats();
  const threshold = options.threshold ?? 0.9;
  const byClass = new Map<number, number[]>();
  classes.forEach((c, i) => {
    if (c < 0 || c >= k) throw new RangeError(`${who}: example ${i} has class ${c}, outside the ${k} probability columns`);
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  });
  const target = options.target ?? Math.min(...[...byClass.values()].map((v) => v.length));
  const rng = generator(options.seed);
  const dropped = new Set<number>();
  for (const [c, idx] of byClass) {
    if (idx.length <= target) continue;
    const confident = rng.shuffle(idx.filter((i) => p[i * k + c] >= threshold));
    for (const i of confident.slice(0, idx.length - target)) dropped.add(i);
  }
  const kept = rng.shuffle(Array.from({ length: n }, (_, i) => i).filter((i) => !dropped.has(i)));
  return [gather(x, kept, 0), gather(y, kept, 0)];
}
