/**
 * kerno train --images DIR: a user's folder of photos to a trained, evaluated, saved classifier.
 * A small CNN sized to the photos (augmented when there are few of them), or a frozen pretrained
 * base with a new head (--base); early stopping keeps the best epoch; unequal classes are weighted
 * (or --balance undersample|oversample|weights|none); the report gives per-class precision,
 * recall, F1 and support and the confusion matrix (terminal table, SVG and PNG); --hierarchical
 * adds a divide-and-conquer model beside the flat one (src/recipes/own-hierarchy.ts).
 */
import { join } from "node:path";
import { balanceClasses } from "../data/balance.js";
import type { Dataset, Example } from "../data/dataset.js";
import { RandomFlip, RandomRotation, RandomZoom } from "../layers/augmentation.js";
import { Conv2D } from "../layers/conv.js";
import { Dense } from "../layers/dense.js";
import { Dropout } from "../layers/dropout.js";
import { Input } from "../layers/input.js";
import type { Layer } from "../layers/layer.js";
import { MaxPooling2D } from "../layers/pooling.js";
import { Rescaling } from "../layers/rescaling.js";
import { Flatten } from "../layers/reshaping.js";
import type { Model } from "../models/model.js";
import { Sequential } from "../models/sequential.js";
import { argmax } from "../ops/reduce.js";
import { setSeed } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { EarlyStopping } from "../training/monitor-callbacks.js";
import { writeAtomic } from "../util/files.js";
import { pretrainedBase, withHead } from "./cats-vs-dogs-pretrained.js";
import { saveConfusion } from "./confusion-chart.js";
import { reshuffledCache, saveCurves } from "./image-data.js";
import { trainOwnHierarchy } from "./own-hierarchy.js";
import { materialize, ownImages } from "./own-image-data.js";
import { classifierReport } from "./own-report.js";
import { baseResult, lastEpoch, outputDir, type RecipeOptions, type RecipeResult } from "./recipe.js";

/** Fewer training photos than this get random flips, rotations and zooms. */
export const AUGMENT_BELOW = 5000;
const BALANCE = ["undersample", "oversample", "weights", "none"] as const;
type Balance = (typeof BALANCE)[number];

/**
 * Convolution blocks (3x3, then 2x2 max pooling; 32, 64, 128, 256 filters) while the feature map is
 * at least 10 pixels wide, then dropout and the classifier: the course's network, sized to the photos.
 */
export function smallCnn(size: [number, number], channels: number, classes: number, options: { augment: boolean; seed: number; name?: string }): Sequential {
  const layers: Layer[] = [];
  if (options.augment) {
    const seed = options.seed;
    layers.push(new RandomFlip({ mode: "horizontal", seed }), new RandomRotation({ factor: 0.05, seed }), new RandomZoom({ heightFactor: 0.1, seed }));
  }
  layers.push(new Rescaling({ scale: 1 / 255 }));
  let side = Math.min(...size);
  for (let block = 0; block < 4 && side >= 10; block++) {
    layers.push(new Conv2D({ filters: 32 << block, kernelSize: 3, activation: "relu" }), new MaxPooling2D({ poolSize: 2 }));
    side = Math.floor((side - 2) / 2);
  }
  layers.push(new Flatten(), new Dropout({ rate: 0.5, seed: options.seed }), new Dense({ units: classes, activation: "softmax" }));
  return new Sequential([Input({ shape: [...size, channels] }), ...layers], { name: options.name ?? "image_classifier" });
}

function balanceFlag(flags: Record<string, string | boolean>, counts: number[], log: (l: string) => void): Balance {
  if (typeof flags.balance === "string") {
    if (!(BALANCE as readonly string[]).includes(flags.balance))
      throw new Error(`kerno train --images: --balance must be one of ${BALANCE.join(", ")}, got '${flags.balance}'`);
    return flags.balance as Balance;
  }
  const ratio = Math.max(...counts) / Math.max(1, Math.min(...counts));
  if (ratio <= 1.5) return "none";
  log(`classes are unequal (largest ${ratio.toFixed(1)}x the smallest): weighting the loss by class (--balance to choose)`);
  return "weights";
}

/** The labels the model predicts for a dataset, beside the true ones. */
async function predictions(model: Model, data: Dataset<Example>): Promise<{ truth: number[]; predicted: number[] }> {
  const truth: number[] = [],
    predicted: number[] = [];
  for await (const batch of data) {
    predicted.push(...argmax(model.predict(batch.x as Tensor) as Tensor).data());
    truth.push(...Array.from((batch.y as Tensor).data(), Number));
  }
  return { truth, predicted };
}

export async function trainOwnImages(dir: string, options: RecipeOptions): Promise<RecipeResult> {
  const started = performance.now();
  const log = options.log ?? console.log;
  const f = options.flags ?? {};
  const seed = options.seed ?? 1;
  setSeed(seed);
  const batchSize = options.batchSize ?? 32;
  const baseSpec = typeof f.base === "string" ? f.base : null;
  const base = baseSpec ? await pretrainedBase(baseSpec, f) : null;
  const sizeFlag = typeof f.size === "string" ? Number(f.size) : undefined;
  if (sizeFlag !== undefined && !(Number.isInteger(sizeFlag) && sizeFlag >= 8))
    throw new Error(`kerno train --images: --size must be an integer of at least 8, got '${f.size}'`);
  const data = await ownImages(dir, {
    size: base ? base.size : sizeFlag ? [sizeFlag, sizeFlag] : undefined,
    colorMode: base ? "rgb" : undefined,
    batchSize,
    seed,
    log,
  });
  const classes = data.classNames.length;
  const trainCount = data.trainCounts.reduce((s, v) => s + v, 0);
  const augment = !base && f["no-augment"] !== true && trainCount < AUGMENT_BELOW;
  const channels = data.colorMode === "grayscale" ? 1 : 3;
  const hierarchical = f.hierarchical === true;
  if (hierarchical && base) throw new Error("kerno train --images: --hierarchical trains small CNNs from scratch; leave out --base");
  const build = (k: number, name: string) => {
    const m: Model = base ? withHead(base, k, name) : smallCnn(data.size, channels, k, { augment, seed, name });
    m.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    return m;
  };
  const model = build(classes, "image_classifier");
  const verbose = options.verbose ?? 1;
  log(
    `${data.layout} in ${data.root}: ${classes} classes (${data.classNames.map((c, i) => `${c} ${data.trainCounts[i]}`).join(", ")}), ` +
      `${data.size.join("x")} ${data.colorMode}; ${base ? `frozen ${baseSpec} base with a new head` : `a small CNN${augment ? " with augmentation" : ""}`}`,
  );
  if (verbose > 0) model.summary({ printFn: log });
  const balance = balanceFlag(f, data.trainCounts, log);
  const patience = Number(f.patience ?? (base ? 5 : 10));
  const best = new EarlyStopping({ monitor: "val_loss", patience, restoreBestWeights: true });
  const epochs = options.epochs ?? (base ? 30 : 60);
  // each split decoded once: the validation and test photos are cached for every pass over them
  const validation = data.validation.cache();
  const evaluation = data.test ? data.test.cache() : validation;
  const fitOptions = { epochs, validationData: validation, callbacks: [best], verbose, cacheFrozenPrefix: base !== null, runDir: options.runDir };
  let history: Awaited<ReturnType<Model["fit"]>>;
  // the training photos stream through a cache, or are held as tensors when balancing or the hierarchy needs them
  let all: Awaited<ReturnType<typeof materialize>> | null = null;
  if (balance === "none" && !hierarchical) history = await model.fit(reshuffledCache(data.train, batchSize, seed), fitOptions);
  else {
    all = await materialize(data.train);
    const [x, y] = balance === "weights" || balance === "none" ? [all.x, all.y] : balanceClasses(all.x, all.y, { strategy: balance, seed });
    if (balance === "undersample" || balance === "oversample") log(`${balance}: ${all.y.size} training images became ${y.size}`);
    history = await model.fit(x, y, { ...fitOptions, batchSize, shuffle: true, classWeight: balance === "weights" ? "balanced" : undefined });
  }
  const evaluatedOn = data.test ? "test" : "validation";
  const { truth, predicted } = await predictions(model, evaluation);
  const out = outputDir("images", options.out);
  const modelPath = join(out, "image-classifier.kerno");
  model.classNames = data.classNames;
  model.save(modelPath);
  const report = classifierReport(truth, predicted, data.classNames, evaluatedOn, log);
  const plots = [
    ...(await saveCurves(history.history, out, "your images", f.png === true)),
    ...(await saveConfusion(report.confusion, data.classNames, join(out, "confusion"), `confusion matrix (${evaluatedOn})`)),
  ];
  const result: RecipeResult = {
    ...baseResult("images", history.epoch.length, started),
    ...lastEpoch(history.history),
    ...(data.test ? { test: { accuracy: report.accuracy } } : {}),
    evaluatedOn,
    accuracy: report.accuracy,
    modelPath,
    model: base ? `${baseSpec} + head` : "small CNN",
    augment,
    balance,
    bestEpoch: best.bestEpoch + 1,
    layout: data.layout,
    classNames: data.classNames,
    trainCounts: data.trainCounts,
    imageSize: data.size,
    colorMode: data.colorMode,
    skippedFiles: [...data.ignored, ...data.train.skipped],
    report,
    plots,
  };
  if (hierarchical && all) {
    const onValidation = data.test ? await predictions(model, validation) : { truth, predicted };
    result.hierarchical = await trainOwnHierarchy({
      train: all,
      validation: await materialize(validation),
      evaluation,
      classNames: data.classNames,
      validationTruth: onValidation.truth,
      validationPredicted: onValidation.predicted,
      build,
      epochs,
      batchSize,
      patience,
      seed,
      groups: typeof f.groups === "string" ? Number(f.groups) : undefined,
      out,
      log,
    });
  }
  writeAtomic(join(out, "report.json"), `${JSON.stringify({ ...result, history: history.history }, null, 1)}\n`);
  log(`model saved to ${modelPath}; report in ${join(out, "report.json")}`);
  return result;
}
