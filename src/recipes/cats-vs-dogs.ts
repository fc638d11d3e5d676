/**
 * cats-vs-dogs: the course's binary classifier on real photos (cats_and_dogs_small: 2,000
 * training, 1,000 validation and 1,000 test images, 180x180), from scratch. The first network is
 * the MNIST CNN with Rescaling in front and one sigmoid unit at the end; --deeper is the course's
 * five-convolution version; --augment adds random flips, rotation 0.1 and zoom 0.2 in front and
 * Dropout(0.5) before the classifier. RMSprop, binary cross-entropy; the weights of the epoch with
 * the lowest validation loss are kept and evaluated on the test set, and training stops when the
 * validation loss has not improved for --patience epochs (10; 20 with --augment).
 */
import { join } from "node:path";
import { RandomFlip, RandomRotation, RandomZoom } from "@kerno/core/layers/augmentation.js";
import { Conv2D } from "@kerno/core/layers/conv.js";
import { Dense } from "@kerno/core/layers/dense.js";
import { Dropout } from "@kerno/core/layers/dropout.js";
import { Input } from "@kerno/core/layers/input.js";
import type { Layer } from "@kerno/core/layers/layer.js";
import { MaxPooling2D } from "@kerno/core/layers/pooling.js";
import { Rescaling } from "@kerno/core/layers/rescaling.js";
import { Flatten } from "@kerno/core/layers/reshaping.js";
import { Sequential } from "@kerno/core/models/sequential.js";
import { setSeed } from "@kerno/core/tensor/random.js";
import { EarlyStopping } from "@kerno/core/training/callbacks.js";
import { catsAndDogsDir, imageSplits, saveCurves } from "./image-data.js";
import { baseResult, lastEpoch, outputDir, type Recipe, type RecipeOptions, type RecipeResult, runFolder } from "./recipe.js";

export const CATS_VS_DOGS_SIZE: [number, number] = [180, 180];

/** The course's network; `deeper` its five-convolution version; `augment` the augmentation and dropout. */
export function catsVsDogsModel(options: { deeper?: boolean; augment?: boolean; seed?: number } = {}): Sequential {
  const filters = options.deeper ? [32, 64, 128, 256, 512] : [32, 64, 128];
  const layers: Layer[] = [];
  if (options.augment) {
    layers.push(
      new RandomFlip({ mode: "horizontal", seed: options.seed }),
      new RandomRotation({ factor: 0.1, seed: options.seed === undefined ? undefined : options.seed + 1 }),
      new RandomZoom({ heightFactor: 0.2, seed: options.seed === undefined ? undefined : options.seed + 2 }),
    );
  }
  layers.push(new Rescaling({ scale: 1 / 255 }));
  filters.forEach((f, i) => {
    layers.push(new Conv2D({ filters: f, kernelSize: 3, activation: "relu" }));
    if (i < filters.length - 1) layers.push(new MaxPooling2D({ poolSize: 2 }));
  });
  layers.push(new Flatten());
  if (options.augment) layers.push(new Dropout({ rate: 0.5, seed: options.seed }));
  layers.push(new Dense({ units: 1, activation: "sigmoid" }));
  return new Sequential([Input({ shape: [...CATS_VS_DOGS_SIZE, 3] }), ...layers], { name: "cats_vs_dogs" });
}

async function runCatsVsDogs(options: RecipeOptions): Promise<RecipeResult> {
  const started = performance.now();
  const log = options.log ?? console.log;
  const f = options.flags ?? {};
  const seed = options.seed ?? 1;
  setSeed(seed);
  const data = imageSplits(catsAndDogsDir(f), CATS_VS_DOGS_SIZE, options.batchSize ?? 32, seed, log);
  const model = catsVsDogsModel({ deeper: f.deeper === true, augment: f.augment === true, seed });
  model.compile({ optimizer: "rmsprop", loss: "binary_crossentropy", metrics: ["accuracy"] });
  if ((options.verbose ?? 1) > 0) model.summary({ printFn: log });
  const epochs = options.epochs ?? (f.augment ? 100 : 30);
  // keep the best epoch (lowest validation loss), as the course's ModelCheckpoint(save_best_only)
  // does, and stop once it is long past (--patience; the noisier augmented runs wait longer)
  const patience = Number(f.patience ?? (f.augment ? 20 : 10));
  const best = new EarlyStopping({ monitor: "val_loss", patience, restoreBestWeights: true });
  const history = await model.fit(data.train, {
    epochs,
    validationData: data.validation,
    callbacks: [best, ...runFolder(options)],
    verbose: options.verbose ?? 1,
  });
  const out = outputDir("cats-vs-dogs", options.out);
  const test = data.test ? await model.evaluate(data.test) : undefined;
  const modelPath = join(out, "cats-vs-dogs.kerno");
  model.classNames = data.classNames;
  model.save(modelPath);
  const plots = await saveCurves(history.history, out, "cats vs dogs", f.png === true);
  log(
    `best epoch ${best.bestEpoch + 1} (validation loss ${best.best.toFixed(4)})${test ? `; test accuracy ${(100 * test.accuracy).toFixed(2)}%` : ""}; model saved to ${modelPath}`,
  );
  return {
    ...baseResult("cats-vs-dogs", history.epoch.length, started),
    ...lastEpoch(history.history),
    test,
    modelPath,
    bestEpoch: best.bestEpoch + 1,
    classNames: data.classNames,
    samples: data.counts,
    plots,
  };
}

export const catsVsDogs: Recipe = {
  name: "cats-vs-dogs",
  description: "Cats vs dogs photos from scratch, 180x180 (the course: a bit worse than 70%); --deeper, --augment",
  model: () => catsVsDogsModel(),
  run: runCatsVsDogs,
};
