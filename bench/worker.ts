/**
 * One benchmark workload on one kerno backend, in its own process so that its peak resident
 * memory is its own. Prints one JSON line per metric: { metric, value, peakRssMb }.
 * Usage: node --import tsx bench/worker.ts <workload> <native|js> [seconds]
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import { TINY_DARKNET_DIR, TinyDarknet } from "../src/applications/tiny-darknet.js";
import { backend } from "../src/backends/registry.js";
import { dataDir } from "../src/data/cache.js";
import { imageDatasetFromDirectory } from "../src/data/image-folder.js";
import { noGrad, randomNormal, randomUniform, setBackend, slice, type Tensor, tensor } from "../src/index.js";
import { catsVsDogsModel } from "../src/recipes/cats-vs-dogs.js";
import { adam, classifierStep, mnistCnn, mnistDense, recurrentForecaster, regressionStep, rmsprop, vgg16Base } from "./workloads/models.js";

const [workload, backendName, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 3);
setBackend(backendName);

function emit(metric: string, value: number | null): void {
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ metric, value, peakRssMb }));
}

/** Steps per second of fn after two warm-up calls, over at least `seconds` and `minSteps`. */
function rate(fn: () => void, minSteps = 3, budget = seconds): number {
  fn();
  fn();
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < budget * 1000 || steps < minSteps) {
    fn();
    steps++;
  }
  return steps / ((performance.now() - start) / 1000);
}

function labels(n: number, classes: number): Tensor {
  return tensor(
    Int32Array.from({ length: n }, (_, i) => (i * 7 + 3) % classes),
    [n],
    "int32",
  );
}

/** The image half of the course: training at 180x180, decoding photo folders, a pretrained base. */
const imageWorkloads: Record<string, () => Promise<void>> = {
  async "cats-vs-dogs"() {
    if (backendName === "js") return emit("training", null);
    const model = catsVsDogsModel();
    model.compile({ optimizer: "rmsprop", loss: "binary_crossentropy" });
    // three distinct batches of 32 photos-sized inputs, through model.fit
    const x = randomUniform([96, 180, 180, 3], 0, 255, { seed: 1 });
    const y = tensor(
      Float32Array.from({ length: 96 }, (_, i) => i % 2),
      [96, 1],
    );
    const epoch = () => model.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    await epoch();
    let epochs = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000 || epochs < 2) {
      await epoch();
      epochs++;
    }
    emit("training", (96 * epochs) / ((performance.now() - start) / 1000));
  },
  async "image-folder"() {
    const dir = join(dataDir(), "cats_and_dogs_small", "train");
    if (backendName === "js" || !existsSync(dir)) return emit("decode + resize", null);
    const start = performance.now();
    let n = 0;
    for await (const b of imageDatasetFromDirectory(dir, { imageSize: [180, 180], batchSize: 32, shuffle: false, log: () => {} }))
      n += (b.x as Tensor).shape[0];
    emit("decode + resize", n / ((performance.now() - start) / 1000));
  },
  async "tiny-darknet"() {
    if (backendName === "js" || !existsSync(join(dataDir(), TINY_DARKNET_DIR, "model.json"))) return emit("feature extraction", null);
    const base = await TinyDarknet({ includeTop: false });
    const x = randomUniform([32, 224, 224, 3], 0, 1, { seed: 1 });
    emit("feature extraction", 32 * rate(() => base.predict(x, { batchSize: 32 }), 2));
  },
};

const workloads: Record<string, () => void> = {
  sgemm() {
    for (const n of [1024, 2048]) {
      // the TypeScript product needs ~8 s for one 2048^3 multiplication: skipped
      if (backendName === "js" && n > 1024) {
        emit(`${n}^3`, null);
        continue;
      }
      const a = new Float32Array(n * n).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
      const b = a.slice().reverse();
      // the kernel itself, as every matMul op calls it (output allocation included)
      const multiply = () => backend().matMul(a, [n, n], b, [n, n], false, false, [n, n]);
      emit(`${n}^3`, (2 * n ** 3 * rate(multiply, 1, backendName === "js" ? 1 : seconds)) / 1e9);
    }
  },
  "mnist-cnn"() {
    const model = mnistCnn();
    const step = classifierStep(model, rmsprop(model.params));
    const x = randomNormal([64, 28, 28, 1], 0, 1, { seed: 1 }),
      y = labels(64, 10);
    emit("training", 64 * rate(() => step(x, y), backendName === "js" ? 2 : 3, backendName === "js" ? 2 : seconds));
    emit("inference", 64 * rate(() => noGrad(() => model.logits(x)), 3, backendName === "js" ? 2 : seconds));
  },
  "mnist-dense"() {
    const model = mnistDense();
    const step = classifierStep(model, rmsprop(model.params));
    const x = randomNormal([32, 28, 28], 0, 1, { seed: 1 }),
      y = labels(32, 10);
    emit("training", 32 * rate(() => step(x, y)));
  },
  lstm() {
    const samples = 11184,
      batch = 32;
    const x = randomNormal([samples, 1, 6], 0, 1, { seed: 1 }),
      y = randomNormal([samples, 24], 0, 1, { seed: 2 });
    for (const [kind, label] of [
      ["lstm", "LSTM(16) epoch"],
      ["simple", "SimpleRNN(16) epoch"],
    ] as const) {
      const model = recurrentForecaster(kind);
      const step = regressionStep(model, adam(model.params));
      const epoch = () => {
        for (let i = 0; i < samples; i += batch) {
          const n = Math.min(batch, samples - i);
          step(slice(x, [i, 0, 0], [n, 1, 6]), slice(y, [i, 0], [n, 24]));
        }
      };
      epoch();
      let best = Infinity;
      for (let r = 0; r < 3; r++) {
        const t = performance.now();
        epoch();
        best = Math.min(best, (performance.now() - t) / 1000);
      }
      emit(label, best);
    }
  },
  vgg16() {
    if (backendName === "js") {
      emit("inference", null);
      return;
    }
    const model = vgg16Base();
    const x = randomNormal([8, 224, 224, 3], 0, 1, { seed: 1 });
    emit("inference", 8 * rate(() => noGrad(() => model.features(x)), 2));
  },
  memory() {
    if (backendName === "js") {
      emit("RSS growth, step 200 to 2000", null);
      return;
    }
    const model = mnistCnn();
    const step = classifierStep(model, rmsprop(model.params));
    const x = randomNormal([64, 28, 28, 1], 0, 1, { seed: 1 }),
      y = labels(64, 10);
    let at200 = 0;
    for (let i = 1; i <= 2000; i++) {
      step(x, y);
      if (i === 200) at200 = process.memoryUsage().rss;
    }
    emit("RSS growth, step 200 to 2000", (100 * (process.memoryUsage().rss - at200)) / at200);
  },
};

const run = workloads[workload] ?? imageWorkloads[workload];
if (!run) {
  console.error(`unknown workload '${workload}'; known: ${[...Object.keys(workloads), ...Object.keys(imageWorkloads)].join(", ")}`);
  process.exit(2);
}
await run();
