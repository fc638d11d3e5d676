/**
 * kerno train --images DIR: a user's folder of photos to a trained, evaluated, saved classifier.
 * A small CNN sized to the photos (augmented when there are few of them), or a frozen pretrained
 * base with a new head (--base); early stopping keeps the best epoch; unequal classes are weighted
 * (or --balance undersample|oversample|weights|none); the report gives per-class precision,
 * recall, F1 and support and the confusion matrix (terminal table, SVG and PNG); --hierarchical
 * adds a divide-and-conquer model beside the flat one (src/recipes/own-hierarchy.ts).
 */
import { join, relative, sep } from "node:path";
import { balanceClasses } from "@kerno/core/data/balance.js";
import { MemoryBudget } from "@kerno/core/data/compact-store.js";
import type { Dataset, Example } from "@kerno/core/data/dataset.js";
import type { Model } from "@kerno/core/models/model.js";
import { argmax } from "@kerno/core/ops/reduce.js";
import { setSeed } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { EarlyStopping } from "@kerno/core/training/monitor-callbacks.js";
import { Adam, RMSprop } from "@kerno/core/training/optimizers.js";
import type { ImageFolderDataset } from "@kerno/node/data/image-folder.js";
import { writeAtomic } from "@kerno/node/util/files.js";
import { pretrainedBase, withHead } from "./cats-vs-dogs-pretrained.js";
import { saveConfusion } from "./confusion-chart.js";
import { reshuffledCache, saveCurves } from "./image-data.js";
import { trainOwnHierarchy } from "./own-hierarchy.js";
import { materialize, ownImages } from "./own-image-data.js";
import { type ImageFacts, type ImagePlan, imagePlan, planCnn } from "./own-image-plan.js";
import { classifierReport, fitAdvice } from "./own-report.js";
import { baseResult, lastEpoch, outputDir, type RecipeOptions, type RecipeResult, runFolder } from "./recipe.js";

const BALANCE = ["undersample", "oversample", "weights", "none"] as const;
type Balance = (typeof BALANCE)[number];

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

/** Which photos trained, validated and scored the model, with their classes: for comparing another trainer on the same split. */
function writeSplit(path: string, data: Awaited<ReturnType<typeof ownImages>>, evaluatedOn: string): void {
  const listed = (d: ImageFolderDataset, splitRoot: string) =>
    d.filePaths.map((file) => ({ file, label: data.classNames.indexOf(relative(splitRoot, file).split(sep)[0]) }));
  const trainRoot = data.layout === "class folders" ? data.root : join(data.root, "train");
  const split = {
    root: data.root,
    layout: data.layout,
    classNames: data.classNames,
    imageSize: data.size,
    colorMode: data.colorMode,
    evaluatedOn,
    train: listed(data.train, trainRoot),
    validation: listed(data.validation, data.layout === "train/validation/test" ? join(data.root, "validation") : trainRoot),
    test: data.test ? listed(data.test, join(data.root, "test")) : null,
  };
  writeAtomic(path, `${JSON.stringify(split)}\n`);
}

/** For experiments (bench/own-data/experiment.ts): another rule, or some of the plan's fields fixed. */
export interface ImageTuning {
  rule?: (facts: ImageFacts) => ImagePlan;
  plan?: Partial<ImagePlan>;
}

export async function trainOwnImages(dir: string, options: RecipeOptions, tuning: ImageTuning = {}): Promise<RecipeResult> {
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
  const channels = data.colorMode === "grayscale" ? 1 : 3;
  const facts: ImageFacts = { size: data.size, channels, classes, trainCount, batchSize, augment: f["no-augment"] !== true };
  const plan: ImagePlan = { ...(tuning.rule ?? imagePlan)(facts), ...tuning.plan };
  const augment = !base && plan.augment !== null;
  const hierarchical = f.hierarchical === true;
  if (hierarchical && base) throw new Error("kerno train --images: --hierarchical trains small CNNs from scratch; leave out --base");
  const build = (k: number, name: string) => {
    const m: Model = base ? withHead(base, k, name) : planCnn(data.size, channels, k, plan, { seed, name });
    const optimizer = base
      ? new RMSprop()
      : plan.optimizer === "adam"
        ? new Adam({ learningRate: plan.learningRate })
        : new RMSprop({ learningRate: plan.learningRate });
    m.compile({ optimizer, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
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
  const patience = Number(f.patience ?? (base ? 5 : plan.patience));
  const best = new EarlyStopping({ monitor: "val_loss", patience, restoreBestWeights: true, startFromEpoch: base ? 0 : plan.minEpochs });
  const epochs = options.epochs ?? (base ? 30 : plan.epochs);
  // each split decoded once: the validation and test photos are cached for every pass over them
  // the training, validation and test caches share one memory budget
  const budget = new MemoryBudget();
  const validation = data.validation.cache({ maxBytes: budget, log });
  const evaluation = data.test ? data.test.cache({ maxBytes: budget, log }) : validation;
  const fitOptions = { epochs, validationData: validation, callbacks: [best, ...runFolder(options)], verbose, cacheFrozenPrefix: base !== null };
  let history: Awaited<ReturnType<Model["fit"]>>;
  // the training photos stream through a cache (with a frozen base, fit reads them once, as its
  // features), or are held as tensors when balancing or the hierarchy needs them
  let all: Awaited<ReturnType<typeof materialize>> | null = null;
  if (balance === "none" && !hierarchical)
    history = await model.fit(base ? data.train : reshuffledCache(data.train, batchSize, seed, { maxBytes: budget, log }), fitOptions);
  else {
    all = await materialize(data.train);
    const [x, y] = balance === "weights" || balance === "none" ? [all.x, all.y] : balanceClasses(all.x, all.y, { strategy: balance, seed });
    if (balance === "undersample" || balance === "oversample") log(`${balance}: ${all.y.size} training images became ${y.size}`);
    history = await model.fit(x, y, { ...fitOptions, batchSize, shuffle: true, classWeight: balance === "weights" ? "balanced" : undefined });
  }
  const evaluatedOn = data.test ? "test" : "validation";
  const { truth, predicted } = await predictions(model, evaluation);
  const out = outputDir("images", options.out);
  writeSplit(join(out, "split.json"), data, evaluatedOn);
  const modelPath = join(out, "image-classifier.kerno");
  model.classNames = data.classNames;
  model.save(modelPath);
  const report = classifierReport(truth, predicted, data.classNames, evaluatedOn, log);
  const advice = fitAdvice({
    history: history.history,
    epochs,
    stoppedEarly: best.stoppedEpoch >= 0,
    bestEpoch: best.bestEpoch + 1,
    patience,
    augment,
    side: Math.min(...data.size),
    photoSide: data.photoSide,
    base: baseSpec,
    accuracy: report.accuracy,
    evaluatedOn,
  });
  for (const line of advice) log(line);
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
    ...(base ? {} : { plan }),
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
    advice,
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
