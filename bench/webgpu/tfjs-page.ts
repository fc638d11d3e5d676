/**
 * The webgpu section's TensorFlow.js page (bundled by section.ts): TensorFlow.js with its WebGPU
 * backend (@tensorflow/tfjs-backend-webgpu, the installed tfjs's version). `?work=mnist`: the
 * browser section's MNIST CNN (the same table of layers, rmsprop as Keras compiles it, batch 64)
 * trained through model.fit, whole epochs until `seconds` have passed, after a warm-up fit on the
 * same model; `?work=vgg16`: VGG16's conv base (tf.layers' default initializers) predicting a
 * random batch. `&software=1` takes spec.ts's tiny sizes. Every timed span ends with a read-back
 * (data()), so the GPU's work is inside it.
 */
import * as tf from "@tensorflow/tfjs";
// importing the webgpu backend registers it
import "@tensorflow/tfjs-backend-webgpu";
import { accuracy, BATCH, callsPerSecond, fetchDigits, PIXELS, publish, scaled } from "../browser/spec.js";
import { tfCnn } from "../browser/tfjs-cnn.js";
import { type Sizes, sizesFor, VGG16_BASE, VGG16_BASE_PARAMS } from "./spec.js";

function tfVgg16Base(side: number): tf.Sequential {
  const model = tf.sequential();
  VGG16_BASE.forEach((v, i) => {
    const input = i === 0 ? { inputShape: [side, side, 3] } : {};
    model.add(
      v === "M"
        ? tf.layers.maxPooling2d({ ...input, poolSize: 2, strides: 2 })
        : tf.layers.conv2d({ ...input, filters: v, kernelSize: 3, padding: "same", activation: "relu" }),
    );
  });
  if (model.countParams() !== VGG16_BASE_PARAMS) throw new Error(`TensorFlow.js VGG16 base: ${model.countParams()} parameters, expected ${VGG16_BASE_PARAMS}`);
  return model;
}

async function trainMnist(s: Sizes, seconds: number, notes: string[]) {
  const d = await fetchDigits();
  const n = Math.min(s.trainDigits, d.trainLabels.length);
  const x = tf.tensor4d(scaled(d.trainImages.subarray(0, n * PIXELS)), [n, 28, 28, 1]);
  const y = tf.tensor2d(Float32Array.from(d.trainLabels.subarray(0, n)), [n, 1]);
  const model = tfCnn();
  const firstWeight = () => model.getWeights()[0].data();
  const warm = s.warmBatches * BATCH;
  if (warm > 0) {
    const [wx, wy] = [x.slice([0, 0, 0, 0], [warm, 28, 28, 1]), y.slice([0, 0], [warm, 1])];
    await model.fit(wx, wy, { epochs: 1, batchSize: BATCH, verbose: 0 });
    await firstWeight();
    tf.dispose([wx, wy]);
  }
  let epochs = 0,
    busy = 0;
  while (epochs < 1 || busy < seconds) {
    const start = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 });
    await firstWeight();
    busy += (performance.now() - start) / 1000;
    epochs++;
    console.log(`epoch ${epochs}: ${((n * epochs) / busy).toFixed(0)} images/s`);
  }
  if (s.testDigits > 0) {
    const m = Math.min(s.testDigits, d.testLabels.length);
    const xTest = tf.tensor4d(scaled(d.testImages.subarray(0, m * PIXELS)), [m, 28, 28, 1]);
    const p = model.predict(xTest, { batchSize: m }) as tf.Tensor;
    const acc = accuracy(await p.data(), d.testLabels.subarray(0, m));
    tf.dispose([xTest, p]);
    notes.push(`TensorFlow.js webgpu: ${(100 * acc).toFixed(1)}% of ${m} test digits after ${epochs} epoch(s) of ${n} (a check that it trained, not a row)`);
  }
  return { training: (n * epochs) / busy, trainedImages: n * epochs };
}

async function vgg16(s: Sizes, seconds: number) {
  const model = tfVgg16Base(s.vggSide);
  const x = tf.randomUniform([s.vggBatch, s.vggSide, s.vggSide, 3], 0, 255, "float32", 1);
  const predict = async () => {
    const p = model.predict(x, { batchSize: s.vggBatch }) as tf.Tensor;
    await p.data();
    p.dispose();
  };
  return { inference: s.vggBatch * (await callsPerSecond(predict, seconds, seconds > 0 ? 3 : 1)) };
}

publish(async () => {
  const query = new URLSearchParams(location.search);
  const seconds = Number(query.get("seconds") ?? 3);
  const s = sizesFor(query.get("software") === "1");
  if (!(await tf.setBackend("webgpu"))) throw new Error("TensorFlow.js: backend 'webgpu' did not initialize");
  await tf.ready();
  const notes: string[] = [];
  const work = query.get("work");
  if (work === "mnist") return { ...(await trainMnist(s, seconds, notes)), notes };
  if (work === "vgg16") return { ...(await vgg16(s, seconds)), notes };
  throw new Error(`TensorFlow.js page: unknown work '${work}' (mnist or vgg16)`);
});
