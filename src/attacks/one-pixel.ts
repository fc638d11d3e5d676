/**
 * The one-pixel attack (Su, Vargas and Sakurai, 2019): differential evolution over candidate
 * perturbations (x, y, and a value per channel for each changed pixel) that lower the true
 * class's probability (untargeted) or raise a target class's, with the paper's settings:
 * population 400, F = 0.5, no crossover, up to 100 generations, stopping as soon as the label
 * flips. Each generation is one batched forward pass over the whole population.
 */
import type { Model } from "@kerno/core/models/model.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { Random } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { argmaxRow, probabilities } from "./probabilities.js";

export interface OnePixelOptions {
  /** Pixels changed (1; the paper also uses 3 and 5). */
  pixels?: number;
  population?: number;
  /** Generations after the first (100). */
  generations?: number;
  /** The mutation's scale F (0.5). */
  scale?: number;
  /** Aim for this class (targeted); default: any class but the true one. */
  targetClass?: number;
  /** The true class (default: the model's prediction on the clean image). */
  trueClass?: number;
  /** The model's input range (default: [0, 1] when every pixel is at most 1, else [0, 255]). */
  valueRange?: [number, number];
  /** Treat the output as logits (default: unless it ends in softmax or sigmoid). */
  logits?: boolean;
  /** Stop at the first generation with a flipped label (true); false runs every generation (for timing). */
  stopEarly?: boolean;
  seed?: number;
}

export interface PixelChange {
  x: number;
  y: number;
  value: number[];
}

export interface OnePixelResult {
  success: boolean;
  /** The perturbed image (the best try when the attack failed). */
  image: Tensor;
  changes: PixelChange[];
  trueClass: number;
  /** The class predicted on the perturbed image. */
  predictedClass: number;
  /** The true class's probability before and after; the predicted class's after. */
  trueProbabilityBefore: number;
  trueProbabilityAfter: number;
  predictedProbability: number;
  /** Forward passes (one per generation, plus the clean image's and the first population's) and images evaluated. */
  modelCalls: number;
  evaluations: number;
  generations: number;
}

/** Writes the candidate's pixels into a copy of the image at `offset` of `out`. */
function apply(image: Float32Array, w: number, c: number, cand: Float32Array, out: Float32Array, offset: number): void {
  out.set(image, offset);
  const per = 2 + c;
  for (let k = 0; k < cand.length; k += per) {
    const x = Math.round(cand[k]),
      y = Math.round(cand[k + 1]);
    for (let ch = 0; ch < c; ch++) out[offset + (y * w + x) * c + ch] = cand[k + 2 + ch];
  }
}

export function onePixelAttack(model: Model, image: Tensor, options: OnePixelOptions = {}): OnePixelResult {
  const who = "onePixelAttack";
  const shape = image.rank === 4 ? image.shape.slice(1) : image.shape;
  if (shape.length !== 3) throw new RangeError(`${who}: expects an image [h, w, channels], got [${image.shape.join(", ")}]`);
  const want = model.inputs[0].shape.slice(1);
  if (want.some((d, i) => d !== null && d !== shape[i]))
    throw new RangeError(`${who}: the model takes images of shape [${want.map((d) => d ?? "any").join(", ")}], got [${shape.join(", ")}]`);
  const [h, w, c] = shape;
  const img = image.floats();
  const range = options.valueRange ?? (img.every((v) => v <= 1) ? [0, 1] : [0, 255]);
  const pixels = options.pixels ?? 1,
    popSize = options.population ?? 400,
    maxGen = options.generations ?? 100,
    F = options.scale ?? 0.5;
  if (!Number.isInteger(pixels) || pixels < 1) throw new RangeError(`${who}: pixels must be a positive integer, got ${pixels}`);
  if (popSize < 4) throw new RangeError(`${who}: the population needs at least 4 candidates, got ${popSize}`);
  const rng = new Random(options.seed ?? 1);
  const clean = probabilities(model, tensor(img, [1, h, w, c]), options.logits);
  const trueClass = options.trueClass ?? argmaxRow(clean, 0);
  const target = options.targetClass;
  if (target !== undefined && (target < 0 || target >= clean.classes || target === trueClass))
    throw new RangeError(`${who}: targetClass must be another of the model's ${clean.classes} classes, got ${target}`);
  const per = 2 + c,
    dims = pixels * per;
  const lo = new Float32Array(dims),
    hi = new Float32Array(dims);
  for (let k = 0; k < dims; k += per) {
    hi[k] = w - 1;
    hi[k + 1] = h - 1;
    for (let ch = 0; ch < c; ch++) {
      lo[k + 2 + ch] = range[0];
      hi[k + 2 + ch] = range[1];
    }
  }
  const mid = (range[0] + range[1]) / 2,
    spread = (range[1] - range[0]) / 2;
  // the paper's start: positions uniform, values normal around the middle of the range
  let pop = Array.from({ length: popSize }, () =>
    Float32Array.from({ length: dims }, (_, k) => {
      const v = k % per < 2 ? rng.uniform() * hi[k] : mid + spread * rng.normal();
      return Math.min(hi[k], Math.max(lo[k], v));
    }),
  );
  const batch = new Float32Array(popSize * img.length);
  let calls = 1,
    evaluations = 1;
  /** Fitness (lower is better) and predicted class of each candidate: one forward pass. */
  const evaluate = (cands: Float32Array[]) => {
    cands.forEach((cand, i) => apply(img, w, c, cand, batch, i * img.length));
    const probs = probabilities(model, tensor(batch.subarray(0, cands.length * img.length), [cands.length, h, w, c]), options.logits);
    calls++;
    evaluations += cands.length;
    return cands.map((_, i) => {
      const p = probs.p.subarray(i * probs.classes, (i + 1) * probs.classes);
      return {
        fitness: target === undefined ? p[trueClass] : 1 - p[target],
        predicted: argmaxRow(probs, i),
        pTrue: p[trueClass],
        pPred: p[argmaxRow(probs, i)],
      };
    });
  };
  const flipped = (predicted: number) => (target === undefined ? predicted !== trueClass : predicted === target);
  let scores = evaluate(pop);
  let generation = 0;
  const winner = () => scores.findIndex((s) => flipped(s.predicted));
  const stopEarly = options.stopEarly ?? true;
  while ((!stopEarly || winner() < 0) && generation < maxGen) {
    generation++;
    // DE/rand/1, no crossover: every candidate's mutant competes with it
    const mutants = pop.map((_, i) => {
      let r1: number, r2: number, r3: number;
      do r1 = rng.int(popSize);
      while (r1 === i);
      do r2 = rng.int(popSize);
      while (r2 === i || r2 === r1);
      do r3 = rng.int(popSize);
      while (r3 === i || r3 === r1 || r3 === r2);
      return Float32Array.from({ length: dims }, (_, k) => Math.min(hi[k], Math.max(lo[k], pop[r1][k] + F * (pop[r2][k] - pop[r3][k]))));
    });
    const mutantScores = evaluate(mutants);
    pop = pop.map((cand, i) => (mutantScores[i].fitness <= scores[i].fitness ? mutants[i] : cand));
    scores = scores.map((s, i) => (mutantScores[i].fitness <= s.fitness ? mutantScores[i] : s));
  }
  const found = winner();
  const best = found >= 0 ? found : scores.reduce((b, s, i) => (s.fitness < scores[b].fitness ? i : b), 0);
  const out = new Float32Array(img.length);
  apply(img, w, c, pop[best], out, 0);
  const changes = Array.from({ length: pixels }, (_, k) => ({
    x: Math.round(pop[best][k * per]),
    y: Math.round(pop[best][k * per + 1]),
    value: Array.from(pop[best].subarray(k * per + 2, (k + 1) * per)),
  }));
  return {
    success: found >= 0,
    image: tensor(out, [h, w, c]),
    changes,
    trueClass,
    predictedClass: scores[best].predicted,
    trueProbabilityBefore: clean.p[trueClass],
    trueProbabilityAfter: scores[best].pTrue,
    predictedProbability: scores[best].pPred,
    modelCalls: calls,
    evaluations,
    generations: generation,
  };
}
