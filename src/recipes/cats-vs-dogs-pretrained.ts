/**
 * cats-vs-dogs-pretrained: the course's transfer learning. A network pretrained on ImageNet (Tiny
 * Darknet by default, since its weights are here; --base vgg16 with Keras's weights in the data
 * cache; or --base <model file>) is frozen, its features feed a new head (Flatten, Dense(1,
 * sigmoid)), and only the head trains: fit's cacheFrozenPrefix runs the base once per image. Then
 * --fine-tune N unfreezes the base's last N layers (batch normalization stays frozen, as Keras
 * advises) and trains again with RMSprop at 1e-5.
 */
import { join } from "node:path";
import { Dense } from "@kerno/core/layers/dense.js";
import { Input } from "@kerno/core/layers/input.js";
import { PreprocessInput, type PreprocessMode } from "@kerno/core/layers/preprocess-input.js";
import { Flatten } from "@kerno/core/layers/reshaping.js";
import { Model } from "@kerno/core/models/model.js";
import { setSeed } from "@kerno/core/tensor/random.js";
import { EarlyStopping } from "@kerno/core/training/callbacks.js";
import { RMSprop } from "@kerno/core/training/optimizers.js";
import { loadModel } from "@kerno/node/interop/load-model.js";
import { TinyDarknet } from "../applications/tiny-darknet.js";
import { VGG16 } from "../applications/vgg.js";
import { catsAndDogsDir, imageSplits, saveCurves } from "./image-data.js";
import { baseResult, lastEpoch, outputDir, type Recipe, type RecipeOptions, type RecipeResult, runFolder } from "./recipe.js";

export interface Base {
  model: Model;
  size: [number, number];
  mode: PreprocessMode;
}

/** The pretrained base the flags ask for, without its classifier. */
export async function pretrainedBase(spec: string, flags: Record<string, string | boolean>): Promise<Base> {
  if (spec === "tiny-darknet") return { model: await TinyDarknet({ includeTop: false }), size: [224, 224], mode: "unit" };
  if (spec === "vgg16") return { model: await VGG16({ weights: "imagenet", includeTop: false, inputShape: [224, 224, 3] }), size: [224, 224], mode: "caffe" };
  const model = await loadModel(spec);
  const [h, w] = model.inputs[0].shape.slice(1, 3) as [number, number];
  const mode = (typeof flags.preprocess === "string" ? flags.preprocess : "unit") as PreprocessMode;
  return { model, size: [h, w], mode };
}

/** The course's composite: preprocessing, the frozen base, Flatten, one sigmoid unit (or `classes` softmax units). */
export function withHead(base: Base, classes = 1, name = "cats_vs_dogs_pretrained"): Model {
  const inputs = Input({ shape: [...base.size, 3] });
  let x = new PreprocessInput({ mode: base.mode }).apply(inputs);
  x = base.model.apply(x) as typeof x;
  x = new Flatten().apply(x);
  const head = classes === 1 ? new Dense({ units: 1, activation: "sigmoid" }) : new Dense({ units: classes, activation: "softmax" });
  base.model.trainable = false;
  return new Model({ inputs, outputs: head.apply(x), name });
}

/** Unfreezes the base's last `n` layers (batch normalization excepted), as the course does for VGG16. */
export function unfreezeLast(base: Model, n: number): number {
  base.trainable = true;
  base.layers.forEach((layer, i) => {
    layer.trainable = i >= base.layers.length - n && layer.className !== "BatchNormalization";
  });
  return base.trainableWeights.reduce((s, w) => s + w.size, 0);
}

async function runPretrained(options: RecipeOptions): Promise<RecipeResult> {
  const started = performance.now();
  const log = options.log ?? console.log;
  const f = options.flags ?? {};
  const seed = options.seed ?? 1;
  setSeed(seed);
  const baseSpec = typeof f.base === "string" ? f.base : "tiny-darknet";
  const base = await pretrainedBase(baseSpec, f);
  const fineTune = Number(f["fine-tune"] ?? 0);
  // cacheFrozenPrefix reads the photos once per fit, as the base's features: without fine-tuning
  // every split is read once and streams from the folder, no decoded photo kept
  const readOnce = fineTune > 0 ? (["test"] as const) : (["train", "validation", "test"] as const);
  const data = imageSplits(catsAndDogsDir(f), base.size, options.batchSize ?? 32, seed, log, { readOnce });
  const model = withHead(base);
  model.compile({ optimizer: "rmsprop", loss: "binary_crossentropy", metrics: ["accuracy"] });
  if ((options.verbose ?? 1) > 0) model.summary({ printFn: log });
  const epochs = options.epochs ?? 30;
  const verbose = options.verbose ?? 1;
  const best = () => new EarlyStopping({ monitor: "val_loss", patience: Number(f.patience ?? 10), restoreBestWeights: true });
  const frozen = await model.fit(data.train, {
    epochs,
    validationData: data.validation,
    callbacks: [best(), ...runFolder(options)],
    verbose,
    cacheFrozenPrefix: true,
  });
  const testFrozen = data.test ? await model.evaluate(data.test) : undefined;
  if (testFrozen) log(`frozen base: test accuracy ${(100 * testFrozen.accuracy).toFixed(2)}%`);
  const history: Record<string, number[]> = { ...frozen.history };
  let testTuned: typeof testFrozen;
  if (fineTune > 0) {
    const trainable = unfreezeLast(base.model, fineTune);
    log(`fine-tuning the last ${fineTune} layers of ${base.model.name}: ${trainable.toLocaleString("en-US")} of its parameters trainable`);
    model.compile({ optimizer: new RMSprop({ learningRate: 1e-5 }), loss: "binary_crossentropy", metrics: ["accuracy"] });
    const tuned = await model.fit(data.train, {
      epochs: Number(f["fine-tune-epochs"] ?? 10),
      validationData: data.validation,
      callbacks: [best(), ...runFolder(options)],
      verbose,
      cacheFrozenPrefix: true,
    });
    for (const [k, v] of Object.entries(tuned.history)) history[k] = [...(history[k] ?? []), ...v];
    testTuned = data.test ? await model.evaluate(data.test) : undefined;
    if (testTuned) log(`after fine-tuning: test accuracy ${(100 * testTuned.accuracy).toFixed(2)}%`);
  }
  const out = outputDir("cats-vs-dogs-pretrained", options.out);
  const modelPath = join(out, "cats-vs-dogs-pretrained.kerno");
  model.classNames = data.classNames;
  model.save(modelPath);
  const plots = await saveCurves(history, out, `cats vs dogs on ${baseSpec}`, f.png === true);
  log(`model saved to ${modelPath}`);
  return {
    ...baseResult("cats-vs-dogs-pretrained", history.loss.length, started),
    ...lastEpoch(history),
    test: testTuned ?? testFrozen,
    testFrozen,
    testFineTuned: testTuned,
    base: baseSpec,
    modelPath,
    classNames: data.classNames,
    samples: data.counts,
    plots,
  };
}

export const catsVsDogsPretrained: Recipe = {
  name: "cats-vs-dogs-pretrained",
  description: "Cats vs dogs on a frozen ImageNet base (Tiny Darknet; --base vgg16|<file>) with a new head; --fine-tune N (the course: 97% with VGG16)",
  model: async () => withHead(await pretrainedBase("tiny-darknet", {})),
  run: runPretrained,
};
