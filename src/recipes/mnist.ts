/**
 * The course's MNIST experiments. mnist-dense: Flatten, Dense(64, relu), Dense(10, softmax),
 * 50,890 parameters ("just above 97%" after 5 epochs). mnist-cnn: Conv2D 32/64/128 3x3 relu with
 * 2x2 max pooling, Flatten, Dense(10, softmax), 104,202 parameters (99.3%). Both: pixels scaled
 * to [0, 1], RMSprop, sparse categorical cross-entropy, validated on the test set as the course
 * does, then evaluated on it.
 */
import { join } from "node:path";
import { pixelBatches } from "@kerno/core/data/pixel-batches.js";
import type { Sequential } from "@kerno/core/models/sequential.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { setSeed } from "@kerno/core/tensor/random.js";
import { type ByteSplit, mnistBytes } from "@kerno/node/data/mnist.js";
import { dataParallel } from "@kerno/node/distributed/data-parallel.js";
import { initDistributed } from "@kerno/node/distributed/mpi.js";
import { saveCurves } from "./image-data.js";
import { mnistCnnModel, mnistDenseModel } from "./mnist-models.js";
import { baseResult, lastEpoch, outputDir, type Recipe, type RecipeOptions, type RecipeResult, runFolder } from "./recipe.js";

async function trainMnist(
  name: string,
  build: () => Sequential,
  channels: boolean,
  defaults: { epochs: number; batchSize: number },
  options: RecipeOptions,
): Promise<RecipeResult> {
  const started = performance.now();
  // under data-parallel training rank 0 alone prints and saves
  const primary = !options.distributed || initDistributed().rank === 0;
  const log = primary ? (options.log ?? console.log) : () => {};
  if (options.seed !== undefined) setSeed(options.seed);
  // the digits stay bytes (47 MB for the training set, not 188 MB as float32): each batch becomes
  // float32 in [0, 1] as it is drawn, the course's x / 255 folded into the conversion; the order
  // comes from pixelBatches (seed + epoch), so a seeded run's batches differ from earlier versions'
  // and from a distributed run's (fit's own shuffle of tensors)
  const data = await mnistBytes();
  const batchSize = options.batchSize ?? defaults.batchSize;
  const image = channels ? [28, 28, 1] : [28, 28];
  const batches = (split: ByteSplit, shuffle: boolean, size: number) =>
    pixelBatches(split.pixels, [split.labels.length, ...image], split.labels, { batchSize: size, scale: 1 / 255, shuffle, seed: options.seed });
  const model = build();
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  if ((options.verbose ?? 1) > 0 && primary) model.summary({ printFn: log });
  const epochs = options.epochs ?? defaults.epochs;
  const fitOptions = { epochs, seed: options.seed, verbose: options.verbose ?? 1, callbacks: runFolder(options) };
  let history: Awaited<ReturnType<Sequential["fit"]>>;
  if (options.distributed) {
    // data-parallel training shards tensors (each rank gathers its rows of every batch)
    const tensors = (split: ByteSplit) =>
      tensor(
        Float32Array.from(split.pixels, (p) => p / 255),
        [split.labels.length, ...image],
      );
    const labels = (split: ByteSplit) => tensor(split.labels, [split.labels.length], "int32");
    history = await model.fit(tensors(data.train), labels(data.train), {
      ...fitOptions,
      batchSize,
      validationData: [tensors(data.test), labels(data.test)],
      strategy: dataParallel(),
    });
  } else {
    history = await model.fit(batches(data.train, true, batchSize), { ...fitOptions, validationData: batches(data.test, false, batchSize) });
  }
  // at the batch size of training and validation: the buffers those steps left in the pool serve
  // it (a larger batch's would come on top of them)
  const test = await model.evaluate(batches(data.test, false, batchSize));
  const out = primary ? outputDir(name, options.out) : "";
  const modelPath = join(out, `${name}.kerno`);
  // the course plots both curves after every fit
  const plots = primary ? await saveCurves(history.history, out, name, options.flags?.png === true) : [];
  if (primary) await model.save(modelPath);
  log(`test accuracy ${(100 * test.accuracy).toFixed(2)}% (loss ${test.loss.toFixed(4)}); model saved to ${modelPath}; curves in ${plots.join(", ")}`);
  return { ...baseResult(name, epochs, started), ...lastEpoch(history.history), test, modelPath, plots };
}

export const mnistDense: Recipe = {
  name: "mnist-dense",
  description: "MNIST digits with a dense network: Flatten, Dense(64, relu), Dense(10, softmax) (the course: just above 97%)",
  model: mnistDenseModel,
  run: (options) => trainMnist("mnist-dense", mnistDenseModel, false, { epochs: 5, batchSize: 32 }, options),
  distributed: true,
};

export const mnistCnn: Recipe = {
  name: "mnist-cnn",
  description: "MNIST digits with the course's CNN: Conv2D 32/64/128, max pooling, Dense(10) (the course: 99.3%)",
  model: mnistCnnModel,
  run: (options) => trainMnist("mnist-cnn", mnistCnnModel, true, { epochs: 5, batchSize: 64 }, options),
  distributed: true,
};
