/** Workloads that time kernels and layers below fit: the matrix product, recurrent epochs, VGG16's base, memory growth. */

import { backend } from "@kerno/core/backends/registry.js";
import { bufferPool } from "@kerno/core/tensor/buffer-pool.js";
import { loadAddon } from "@kerno/node/backends/native/index.js";
import { bestFmaPeak, machineProfile } from "@kerno/node/backends/native/profile.js";
import { VGG16 } from "../../src/applications/vgg.js";
import { randomNormal, slice, tensor } from "../../src/index.js";
import { type Context, emit, pattern, rate } from "./measure.js";
import { adam, classifierStep, mnistCnn, recurrentForecaster, regressionStep, rmsprop } from "./models.js";

/** Epochs run before the recurrent rows are timed, on both sides (pytorch_bench.py's WARMUP_EPOCHS). */
export const LSTM_WARMUP_EPOCHS = 5;

export const kernelWorkloads: Record<string, (ctx: Context) => Promise<void>> = {
  async sgemm({ backendName, seconds }) {
    let gflops2048: number | null = null;
    for (const n of [1024, 2048]) {
      // the TypeScript product needs ~8 s for one 2048^3 multiplication: skipped
      if (backendName === "js" && n > 1024) {
        emit(`${n}^3`, null);
        continue;
      }
      const a = new Float32Array(n * n).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
      const b = a.slice().reverse();
      // the kernel itself, as every matMul op calls it; its output goes back to the buffer pool and
      // the next call reuses it, as PyTorch's side writes into one preallocated `out`
      const multiply = () => bufferPool.give(backend().matMul(a, [n, n], b, [n, n], false, false, [n, n]));
      const gflops = (2 * n ** 3 * rate(multiply, backendName === "js" ? 1 : seconds, 1)) / 1e9;
      emit(`${n}^3`, gflops);
      if (n === 2048) gflops2048 = gflops;
    }
    // the share of this CPU's multiply-add peak on the same threads: the machine profile's measurement
    // taken now, or the profile's saved best where that is higher, so that a busy moment does not inflate the share
    const peak = backendName === "native" ? Math.max(bestFmaPeak(loadAddon(), "all"), machineProfile().profile.fmaPeakGflops.allThreads) : null;
    emit("FMA peak (measured)", peak);
    emit("2048^3, share of FMA peak", peak && gflops2048 ? (100 * gflops2048) / peak : null);
  },
  async lstm() {
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
      // the course trains this model for 500 epochs; V8 finishes compiling the step's JavaScript
      // over the first few (2-core Zen 5: epochs 2-5 took 0.037-0.08 s, from the 6th on 0.023-0.025)
      for (let e = 0; e < LSTM_WARMUP_EPOCHS; e++) epoch();
      let best = Infinity;
      for (let r = 0; r < 3; r++) {
        const t = performance.now();
        epoch();
        best = Math.min(best, (performance.now() - t) / 1000);
      }
      emit(label, best);
    }
  },
  async vgg16({ backendName, seconds }) {
    if (backendName === "js") return emit("inference", null);
    const model = await VGG16({ weights: null, includeTop: false });
    const x = randomNormal([8, 224, 224, 3], 0, 1, { seed: 1 });
    emit("inference", 8 * rate(() => model.predict(x, { batchSize: 8 }), seconds, 2));
  },
  async memory({ backendName }) {
    if (backendName === "js") return emit("RSS growth, step 200 to 2000", null);
    const model = mnistCnn();
    const step = classifierStep(model, rmsprop(model.params));
    const x = randomNormal([64, 28, 28, 1], 0, 1, { seed: 1 }),
      y = tensor(pattern(64, 10), [64], "int32");
    let at200 = 0;
    for (let i = 1; i <= 2000; i++) {
      step(x, y);
      if (i === 200) at200 = process.memoryUsage().rss;
    }
    emit("RSS growth, step 200 to 2000", (100 * (process.memoryUsage().rss - at200)) / at200);
  },
};
