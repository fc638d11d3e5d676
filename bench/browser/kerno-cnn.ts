/**
 * kerno's side of the browser section, on @kerno/core alone so that the page (kerno-wasm) and Node
 * (kerno-native, bench/browser/node-side.ts) run the very same code: the MNIST CNN built from
 * spec.ts's table, trained through model.fit, then predicting the test digits.
 */
import { Conv2D, Dense, Flatten, Input, type Layer, MaxPooling2D, Sequential, slice, type Tensor, tensor } from "@kerno/core";
import { accuracy, BATCH, callsPerSecond, type Digits, type LayerSpec, MNIST_CNN, PIXELS, scaled } from "./spec.js";

function layerOf(s: LayerSpec): Layer {
  switch (s.layer) {
    case "conv":
      return new Conv2D({ filters: s.filters, kernelSize: 3, activation: "relu" });
    case "pool":
      return new MaxPooling2D({ poolSize: 2 });
    case "flatten":
      return new Flatten();
    case "dense":
      return new Dense({ units: s.units, activation: s.activation });
  }
}

export function kernoCnn(): Sequential {
  const model = new Sequential([Input({ shape: [28, 28, 1] }), ...MNIST_CNN.map(layerOf)]);
  // "rmsprop": Keras's defaults, which spec.ts's RMSPROP spells out for TensorFlow.js
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy" });
  return model;
}

export interface KernoMeasured {
  /** Images/s of model.fit over whole epochs of the training digits, after a warm-up on another model. */
  training: number;
  trainedImages: number;
  /** Test accuracy after the first timed epoch, and after the last. */
  accuracy: number;
  finalAccuracy: number;
  /** Images/s of model.predict on the test digits in one batch. */
  inference: number;
  /** The trained model (Node exports it to ONNX for ONNX Runtime Web). */
  model: Sequential;
}

const images = (pixels: Uint8Array) => tensor(scaled(pixels), [pixels.length / PIXELS, 28, 28, 1]);
const labels = (l: Uint8Array) => tensor(Int32Array.from(l), [l.length], "int32");

/**
 * Trains a fresh model for whole epochs until `seconds` have passed (at least one), after 4
 * batches on a throwaway model (the kernels' first-call tuning and the JIT warm up there), then
 * times its predictions of the test digits.
 */
export async function measureKerno(d: Digits, seconds: number, log: (s: string) => void = () => {}): Promise<KernoMeasured> {
  const [x, y, xTest] = [images(d.trainImages), labels(d.trainLabels), images(d.testImages)];
  const n = x.shape[0];
  const predict = (m: Sequential) => m.predict(xTest, { batchSize: xTest.shape[0] }) as Tensor;
  const warm = kernoCnn();
  await warm.fit(slice(x, [0, 0, 0, 0], [4 * BATCH, 28, 28, 1]), slice(y, [0], [4 * BATCH]), { epochs: 1, batchSize: BATCH, verbose: 0 });
  predict(warm);
  const model = kernoCnn();
  let epochs = 0,
    busy = 0,
    acc = 0;
  while (epochs < 1 || busy < seconds) {
    const start = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0, seed: epochs + 1 });
    busy += (performance.now() - start) / 1000;
    epochs++;
    log(`epoch ${epochs}: ${((n * epochs) / busy).toFixed(0)} images/s`);
    if (epochs === 1) acc = accuracy(predict(model).floats(), d.testLabels);
  }
  const finalAccuracy = epochs === 1 ? acc : accuracy(predict(model).floats(), d.testLabels);
  const inference = xTest.shape[0] * (await callsPerSecond(() => predict(model), seconds));
  return { training: (n * epochs) / busy, trainedImages: n * epochs, accuracy: acc, finalAccuracy, inference, model };
}
