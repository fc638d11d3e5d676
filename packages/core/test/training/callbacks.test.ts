import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  Dense,
  EarlyStopping,
  History,
  Input,
  LearningRateScheduler,
  type Logs,
  ModelCheckpoint,
  ReduceLROnPlateau,
  randomNormal,
  Sequential,
  SGD,
  TerminateOnNaN,
  tensor,
} from "../../src/index.js";
import { formatPath, type TrainingModel } from "../../src/training/callbacks.js";
import { loadModel } from "../helpers/model-files.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir();

/** A stand-in model whose weights are a number, to drive callbacks with chosen logs. */
function fakeModel(): TrainingModel & { value: number } {
  const m = {
    value: 0,
    stopTraining: false,
    optimizer: new SGD({ learningRate: 1 }),
    getWeights: () => [tensor([m.value])],
    setWeights: (w: ReturnType<typeof tensor>[]) => {
      m.value = w[0].item();
    },
    save: () => {},
  };
  return m;
}

function drive(cb: { setModel(m: TrainingModel): void } & Record<string, unknown>, model: TrainingModel & { value: number }, losses: number[]): number {
  cb.setModel(model);
  (cb.onTrainBegin as ((l: Logs) => void) | undefined)?.call(cb, {});
  let epoch = 0;
  for (; epoch < losses.length && !model.stopTraining; epoch++) {
    model.value = epoch;
    (cb.onEpochEnd as (e: number, l: Logs) => void).call(cb, epoch, { val_loss: losses[epoch], val_accuracy: 1 - losses[epoch] });
  }
  (cb.onTrainEnd as ((l: Logs) => void) | undefined)?.call(cb, {});
  return epoch;
}

test("EarlyStopping waits `patience` epochs, honours minDelta and mode, restores the best weights", () => {
  const m = fakeModel();
  const es = new EarlyStopping({ patience: 2, restoreBestWeights: true });
  const ran = drive(es as never, m, [1, 0.5, 0.6, 0.7, 0.1]);
  assert.equal(ran, 4, "stops after two epochs without improvement");
  assert.equal(es.stoppedEpoch, 3);
  assert.equal(m.value, 1, "weights of the best epoch (1)");
  const m2 = fakeModel();
  drive(new EarlyStopping({ patience: 1, minDelta: 0.2 }) as never, m2, [1, 0.9, 0.85, 0.5]);
  assert.ok(m2.stopTraining, "improvements under minDelta do not count");
  const m3 = fakeModel();
  const ran3 = drive(new EarlyStopping({ monitor: "val_accuracy", patience: 0 }) as never, m3, [0.5, 0.4, 0.45]);
  assert.equal(ran3, 3, "accuracy is maximized ('auto' mode)");
  const m4 = fakeModel();
  const es4 = new EarlyStopping({ patience: 1, startFromEpoch: 2, restoreBestWeights: true });
  drive(es4 as never, m4, [0.1, 0.2, 0.3, 0.4, 0.5]);
  assert.equal(es4.bestEpoch, 2, "epochs before startFromEpoch are ignored");
});

test("ReduceLROnPlateau and LearningRateScheduler change the optimizer's rate", () => {
  const m = fakeModel();
  const r = new ReduceLROnPlateau({ factor: 0.5, patience: 1, minLr: 0.1 });
  drive(r as never, m, [1, 1, 1, 1]);
  assert.equal(m.optimizer!.learningRate, 0.125);
  const s = new LearningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr * 0.1));
  s.setModel(m);
  s.onEpochBegin(0);
  s.onEpochBegin(1);
  assert.ok(Math.abs((m.optimizer!.learningRate as number) - 0.0125) < 1e-12);
});

test("TerminateOnNaN stops at the first bad batch and says which", async () => {
  const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })]);
  model.compile({ optimizer: new SGD({ learningRate: 1e30 }), loss: "mse" });
  const nan = new TerminateOnNaN();
  const x = randomNormal([64, 2], 0, 10, { seed: 1 });
  const history = await model.fit(x, randomNormal([64, 1], 0, 1e10, { seed: 2 }), { epochs: 5, batchSize: 8, verbose: 0, callbacks: [nan] });
  assert.ok(nan.stoppedAt !== null, "stopped");
  assert.equal(nan.stoppedAt![0], 0);
  assert.ok(history.epoch.length <= 1);
});

test("ModelCheckpoint saves complete files (best only), History records logs", async () => {
  const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })]);
  model.compile({ optimizer: "adam", loss: "mse" });
  const x = randomNormal([32, 2], 0, 1, { seed: 3 }),
    y = randomNormal([32, 1], 0, 1, { seed: 4 });
  const ckpt = new ModelCheckpoint(join(dir, "model-{epoch:02d}.kerno"), { monitor: "loss", saveBestOnly: true });
  const history = await model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [ckpt] });
  assert.ok(history instanceof History);
  assert.ok(ckpt.saved.length >= 1 && ckpt.saved.every((p) => existsSync(p)));
  assert.equal((await loadModel(ckpt.saved[ckpt.saved.length - 1])).countParams(), 3);
  assert.equal(formatPath("w-{epoch:03d}-{val_loss:.2f}", 4, { val_loss: 0.12345 }), "w-005-0.12");
});

test("a user callback object gets every hook", async () => {
  const model = new Sequential([Input({ shape: [1] }), new Dense({ units: 1 })]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  const seen: string[] = [];
  await model.fit(tensor([[1], [2], [3], [4]]), tensor([[2], [4], [6], [8]]), {
    epochs: 2,
    batchSize: 2,
    verbose: 0,
    callbacks: [
      {
        onTrainBegin: () => void seen.push("trainBegin"),
        onEpochBegin: (e) => void seen.push(`epoch${e}`),
        onTrainBatchEnd: (b, logs) => void seen.push(`batch${b}:${logs.loss > 0}`),
        onEpochEnd: (e, logs) => void seen.push(`end${e}:${"loss" in logs}`),
        onTrainEnd: () => void seen.push("trainEnd"),
      },
    ],
  });
  assert.deepEqual(seen, ["trainBegin", "epoch0", "batch0:true", "batch1:true", "end0:true", "epoch1", "batch0:true", "batch1:true", "end1:true", "trainEnd"]);
});
