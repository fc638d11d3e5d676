/**
 * The course's MNIST experiments. mnist-dense: Flatten, Dense(64, relu), Dense(10, softmax),
 * 50,890 parameters ("just above 97%" after 5 epochs). mnist-cnn: Conv2D 32/64/128 3x3 relu with
 * 2x2 max pooling, Flatten, Dense(10, softmax), 104,202 parameters (99.3%). Both: pixels scaled
 * to [0, 1], RMSprop, sparse categorical cross-entropy, validated on the test set as the course
 * does, then evaluated on it.
 */
import { join } from "node:path";
import type { Sequential } from "@kerno/core/models/sequential.js";
import { div } from "@kerno/core/ops/arithmetic.js";
import { reshape } from "@kerno/core/ops/shape.js";
import { setSeed } from "@kerno/core/tensor/random.js";
import { mnist } from "@kerno/node/data/mnist.js";
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
  const data = await mnist();
  const prep = (images: typeof data.train.images) => {
    const scaled = div(images, 255);
    return channels ? reshape(scaled, [...images.shape, 1]) : scaled;
  };
  const [xTrain, xTest] = [prep(data.train.images), prep(data.test.images)];
  const model = build();
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  if ((options.verbose ?? 1) > 0 && primary) model.summary({ printFn: log });
  const epochs = options.epochs ?? defaults.epochs;
  const history = await model.fit(xTrain, data.train.labels, {
    epochs,
    batchSize: options.batchSize ?? defaults.batchSize,
    validationData: [xTest, data.test.labels],
    seed: options.seed,
    verbose: options.verbose ?? 1,
    callbacks: runFolder(options),
    strategy: options.distributed ? dataParallel() : undefined,
  });
  const test = await model.evaluate(xTest, data.test.labels, { batchSize: 256 });
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
