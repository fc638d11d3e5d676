/**
 * The course's MNIST workloads: training through model.fit on distinct, reshuffled batches (what
 * users run), the same step written with ops ("kernel": no fit bookkeeping), inference, and the
 * whole `kerno train mnist-cnn` run timed from the outside.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dataDir } from "@kerno/node/data/cache.js";
import { randomNormal, slice, type Tensor, tensor } from "../../src/index.js";
import { mnistCnnModel, mnistDenseModel } from "../../src/recipes/mnist-models.js";
import { type Context, emit, fitRate, pattern, rate } from "./measure.js";
import { classifierStep, mnistCnn, mnistDense, rmsprop } from "./models.js";

/** n random images and labels, a pool of distinct batches. */
function pool(n: number, shape: number[]) {
  return { x: randomNormal([n, ...shape], 0, 1, { seed: 1 }), y: tensor(pattern(n, 10), [n], "int32") };
}

/** The op-level step cycling through the pool's batches. */
function kernelRate(step: (x: Tensor, y: Tensor) => void, x: Tensor, y: Tensor, batch: number, seconds: number): number {
  const batches = Math.floor(x.shape[0] / batch);
  let i = 0;
  const rest = x.shape.slice(1).map(() => 0);
  const restSize = x.shape.slice(1);
  return (
    batch *
    rate(() => {
      const b = i++ % batches;
      step(slice(x, [b * batch, ...rest], [batch, ...restSize]), slice(y, [b * batch], [batch]));
    }, seconds)
  );
}

export const courseWorkloads: Record<string, (ctx: Context) => Promise<void>> = {
  async "mnist-cnn"({ backendName, seconds }) {
    const js = backendName === "js";
    const { x, y } = pool(js ? 640 : 3840, [28, 28, 1]);
    const model = mnistCnnModel();
    model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy" });
    emit("training (fit)", await fitRate(model, x, y, 64, js ? 2 : seconds));
    const ops = mnistCnn();
    emit("training (kernel)", kernelRate(classifierStep(ops, rmsprop(ops.params)), x, y, 64, js ? 2 : seconds));
    const x64 = slice(x, [0, 0, 0, 0], [64, 28, 28, 1]);
    emit("inference", 64 * rate(() => model.predict(x64, { batchSize: 64 }), js ? 2 : seconds));
    const x1024 = slice(x, [0, 0, 0, 0], [Math.min(1024, x.shape[0]), 28, 28, 1]);
    emit("inference, batch 1024", js ? null : 1024 * rate(() => model.predict(x1024, { batchSize: 1024 }), seconds));
  },
  async "mnist-dense"({ backendName, seconds }) {
    const { x, y } = pool(3840, [28, 28]);
    const model = mnistDenseModel();
    model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy" });
    emit("training (fit)", await fitRate(model, x, y, 32, backendName === "js" ? 2 : seconds));
    const ops = mnistDense();
    emit("training (kernel)", kernelRate(classifierStep(ops, rmsprop(ops.params)), x, y, 32, seconds));
  },
  async "course-mnist-cnn"({ backendName }) {
    if (backendName === "js" || !existsSync(join(dataDir(), "mnist", "train-images-idx3-ubyte.gz"))) {
      emit("5 epochs, wall", null);
      emit("test accuracy", null);
      return;
    }
    const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
    const out = mkdtempSync(join(tmpdir(), "kerno-bench-"));
    const start = performance.now();
    const r = spawnSync(process.execPath, [bin, "train", "mnist-cnn", "--json", "--out", out, "--backend", backendName], { encoding: "utf8" });
    const wall = (performance.now() - start) / 1000;
    rmSync(out, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`kerno train mnist-cnn failed: ${r.stderr.trim().split("\n").slice(-1)[0]}`);
    const result = JSON.parse(r.stdout.trim().split("\n").pop()!) as { test: { accuracy: number }; peakRssMb: number };
    // the run's memory is the child's own (its --json reports its peak), not this worker's
    emit("5 epochs, wall", wall, result.peakRssMb);
    emit("test accuracy", 100 * result.test.accuracy, result.peakRssMb);
  },
};
