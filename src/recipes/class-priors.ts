/**
 * class-priors: the course's trick for unequal classes, measured. Fashion-MNIST's training set with
 * one class (--minority, default 6 "Shirt") cut to --fraction (5%) of its examples; the same small
 * network (Flatten, Dense(128, relu), Dense(10, softmax), RMSprop, 5 epochs) trained with nothing
 * done, with balanced class weights, with random undersampling, with oversampling, and with
 * heuristic subsampling (majority examples that the first, untreated model already classifies with
 * probability >= 0.9 dropped at random, ambiguous ones kept); each scored on the full test set:
 * the minority class's recall, accuracy and macro F1.
 */
import { join } from "node:path";
import { balanceClasses, classCounts, undersampleConfident } from "@kerno/core/data/balance.js";
import { Dense } from "@kerno/core/layers/dense.js";
import { Input } from "@kerno/core/layers/input.js";
import { Flatten } from "@kerno/core/layers/reshaping.js";
import { Sequential } from "@kerno/core/models/sequential.js";
import { div } from "@kerno/core/ops/arithmetic.js";
import { argmax } from "@kerno/core/ops/reduce.js";
import { gather } from "@kerno/core/ops/shape.js";
import { generator, setSeed } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { classificationReport } from "@kerno/core/training/classification-report.js";
import { fashionMnist } from "@kerno/node/data/mnist.js";
import { writeAtomic } from "@kerno/node/util/files.js";
import { baseResult, outputDir, type Recipe, type RecipeOptions, type RecipeResult } from "./recipe.js";

export function priorsModel(classes = 10, name = "fashion_dense"): Sequential {
  return new Sequential(
    [Input({ shape: [28, 28] }), new Flatten(), new Dense({ units: 128, activation: "relu" }), new Dense({ units: classes, activation: "softmax" })],
    { name },
  );
}

/** The training set with class `minority` cut to `fraction` of its examples (a seeded random subset). */
export function imbalance(x: Tensor, y: Tensor, minority: number, fraction: number, seed: number): [Tensor, Tensor] {
  const labels = y.data();
  const idx = Array.from({ length: labels.length }, (_, i) => i);
  const rare = generator(seed).shuffle(idx.filter((i) => labels[i] === minority));
  const keep = new Set(rare.slice(0, Math.max(1, Math.round(rare.length * fraction))));
  const kept = idx.filter((i) => labels[i] !== minority || keep.has(i));
  return [gather(x, kept, 0), gather(y, kept, 0)];
}

export interface PriorsRow {
  strategy: string;
  examples: number;
  minorityRecall: number;
  accuracy: number;
  macroF1: number;
  seconds: number;
}

async function runPriors(options: RecipeOptions): Promise<RecipeResult> {
  const started = performance.now();
  const log = options.log ?? console.log;
  const f = options.flags ?? {};
  const seed = options.seed ?? 1;
  const minority = Number(f.minority ?? 6);
  const fraction = Number(f.fraction ?? 0.05);
  if (!(Number.isInteger(minority) && minority >= 0 && minority < 10)) throw new Error(`class-priors: --minority must be a class 0..9, got '${f.minority}'`);
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`class-priors: --fraction must be in (0, 1], got '${f.fraction}'`);
  const data = await fashionMnist();
  const name = data.classNames[minority];
  const [x, y] = imbalance(div(data.train.images, 255), data.train.labels, minority, fraction, seed);
  const xTest = div(data.test.images, 255);
  const truth = Array.from(data.test.labels.data(), Number);
  log(`Fashion-MNIST training set with '${name}' cut to ${(100 * fraction).toFixed(0)}%: ${classCounts(y)[minority]} of its examples, ${y.size} in all`);
  const epochs = options.epochs ?? 5;
  const batchSize = options.batchSize ?? 32;
  const rows: PriorsRow[] = [];
  let first: Sequential | null = null;
  const train = async (strategy: string, [tx, ty]: [Tensor, Tensor], classWeight?: "balanced") => {
    const t0 = performance.now();
    setSeed(seed);
    const model = priorsModel();
    model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    await model.fit(tx, ty, { epochs, batchSize, verbose: 0, seed, classWeight });
    const predicted = Array.from(argmax(model.predict(xTest, { batchSize: 1024 }) as Tensor).data());
    const report = classificationReport(truth, predicted, data.classNames);
    const row = {
      strategy,
      examples: ty.size,
      minorityRecall: report.classes[minority].recall,
      accuracy: report.accuracy,
      macroF1: report.macro.f1,
      seconds: (performance.now() - t0) / 1000,
    };
    rows.push(row);
    log(
      `${strategy.padEnd(24)} ${String(row.examples).padStart(8)} examples  ${name} recall ${row.minorityRecall.toFixed(3)}  accuracy ${row.accuracy.toFixed(4)}  macro F1 ${row.macroF1.toFixed(4)}`,
    );
    return model;
  };
  first = await train("nothing", [x, y]);
  await train("class weights (balanced)", [x, y], "balanced");
  await train("random undersampling", balanceClasses(x, y, { strategy: "undersample", seed }));
  await train("oversampling", balanceClasses(x, y, { strategy: "oversample", seed }));
  const firstProbs = first.predict(x, { batchSize: 1024 }) as Tensor;
  await train("heuristic subsampling", undersampleConfident(x, y, firstProbs, { seed }));
  const out = outputDir("class-priors", options.out);
  const result: RecipeResult = {
    ...baseResult("class-priors", epochs, started),
    train: {},
    validation: {},
    modelPath: out,
    minority: name,
    fraction,
    rows,
  };
  writeAtomic(join(out, "report.json"), `${JSON.stringify(result, null, 1)}\n`);
  return result;
}

export const classPriors: Recipe = {
  name: "class-priors",
  description: "Unequal classes on Fashion-MNIST (one class cut to 5%): nothing vs class weights vs under/oversampling vs heuristic subsampling",
  model: () => priorsModel(),
  run: runPriors,
};
