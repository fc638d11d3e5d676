/**
 * The webgpu section's kerno page (bundled by section.ts): @kerno/core on the webgpu backend.
 * `?work=mnist`: the browser section's MNIST CNN (bench/browser/kerno-cnn.ts: batch 64, rmsprop)
 * trained through model.fit, whole epochs until `seconds` have passed, after a warm-up fit on the
 * same model (none with the tiny sizes); `?work=vgg16`: VGG16's conv base (random weights) predicting a random batch.
 * `&software=1` takes spec.ts's tiny sizes. Every timed span ends with a read-back (dataAsync), so
 * the GPU's work is inside it.
 */
import {
  backendNotes,
  Conv2D,
  getBackend,
  Input,
  type Layer,
  MaxPooling2D,
  randomUniform,
  Sequential,
  setBackend,
  slice,
  type Tensor,
  tensor,
} from "@kerno/core";
import { kernoCnn } from "../browser/kerno-cnn.js";
import { accuracy, BATCH, callsPerSecond, fetchDigits, PIXELS, publish, scaled } from "../browser/spec.js";
import { type Sizes, sizesFor, VGG16_BASE, VGG16_BASE_PARAMS } from "./spec.js";

async function trainMnist(s: Sizes, seconds: number, notes: string[]) {
  const d = await fetchDigits();
  const n = Math.min(s.trainDigits, d.trainLabels.length);
  const x = tensor(scaled(d.trainImages.subarray(0, n * PIXELS)), [n, 28, 28, 1]);
  const y = tensor(Int32Array.from(d.trainLabels.subarray(0, n)), [n], "int32");
  const model = kernoCnn();
  const firstWeight = () => model.weights[0].dataAsync();
  const warm = s.warmBatches * BATCH;
  if (warm > 0) {
    await model.fit(slice(x, [0, 0, 0, 0], [warm, 28, 28, 1]), slice(y, [0], [warm]), { epochs: 1, batchSize: BATCH, verbose: 0 });
    await firstWeight();
  }
  let epochs = 0,
    busy = 0;
  while (epochs < 1 || busy < seconds) {
    const start = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0, seed: epochs + 1 });
    // the queue runs in order: once this weight is back, every update before it has run
    await firstWeight();
    busy += (performance.now() - start) / 1000;
    epochs++;
    console.log(`epoch ${epochs}: ${((n * epochs) / busy).toFixed(0)} images/s`);
  }
  if (s.testDigits > 0) {
    const m = Math.min(s.testDigits, d.testLabels.length);
    const xTest = tensor(scaled(d.testImages.subarray(0, m * PIXELS)), [m, 28, 28, 1]);
    const p = model.predict(xTest, { batchSize: m }) as Tensor;
    const acc = accuracy(await p.dataAsync(), d.testLabels.subarray(0, m));
    notes.push(`kerno-webgpu: ${(100 * acc).toFixed(1)}% of ${m} test digits after ${epochs} epoch(s) of ${n} (a check that it trained, not a row)`);
  }
  return { training: (n * epochs) / busy, trainedImages: n * epochs };
}

/** VGG16's conv base as a kerno Sequential (glorot-uniform weights, zero biases: random is all a timing needs). */
export function kernoVgg16Base(side: number): Sequential {
  const layers: Layer[] = VGG16_BASE.map((v) =>
    v === "M" ? new MaxPooling2D({ poolSize: 2, strides: 2 }) : new Conv2D({ filters: v, kernelSize: 3, padding: "same", activation: "relu" }),
  );
  const model = new Sequential([Input({ shape: [side, side, 3] }), ...layers]);
  if (model.countParams() !== VGG16_BASE_PARAMS) throw new Error(`kerno VGG16 base: ${model.countParams()} parameters, expected ${VGG16_BASE_PARAMS}`);
  return model;
}

async function vgg16(s: Sizes, seconds: number) {
  const model = kernoVgg16Base(s.vggSide);
  const x = randomUniform([s.vggBatch, s.vggSide, s.vggSide, 3], 0, 255, { seed: 1 });
  const predict = async () => {
    const p = model.predict(x, { batchSize: s.vggBatch }) as Tensor;
    await p.dataAsync();
  };
  return { inference: s.vggBatch * (await callsPerSecond(predict, seconds, seconds > 0 ? 3 : 1)) };
}

publish(async () => {
  const query = new URLSearchParams(location.search);
  const seconds = Number(query.get("seconds") ?? 3);
  const s = sizesFor(query.get("software") === "1");
  const { registerWebGpu } = await import("@kerno/webgpu");
  const gpu = await registerWebGpu();
  setBackend("webgpu");
  if (getBackend() !== "webgpu") throw new Error(`kerno page: the active backend is ${getBackend()}, not webgpu`);
  const notes = [`kerno-webgpu's adapter: ${gpu.adapter}`];
  const work = query.get("work");
  if (work !== "mnist" && work !== "vgg16") throw new Error(`kerno page: unknown work '${work}' (mnist or vgg16)`);
  const result = work === "mnist" ? await trainMnist(s, seconds, notes) : await vgg16(s, seconds);
  // kernels the backend lacks ran on the CPU, each noticed once: they are in the timing
  notes.push(...backendNotes().map((n) => `kerno-webgpu: ${n}`));
  return { ...result, notes };
});
