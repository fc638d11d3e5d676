import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  Add,
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  Input,
  MaxPooling2D,
  Model,
  randomNormal,
  Sequential,
  type Tensor,
  tensor,
} from "../../src/index.js";
import { loadModel } from "../helpers/model-files.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir();

function sameValues(a: Tensor, b: Tensor): void {
  assert.deepEqual(a.shape, b.shape);
  assert.deepEqual(Array.from(a.data()), Array.from(b.data()));
}

test("a CNN with batch normalization round-trips: identical predictions and summary", async () => {
  const model = new Sequential([
    Input({ shape: [8, 8, 1] }),
    new Conv2D({ filters: 4, kernelSize: 3, activation: "relu" }),
    new BatchNormalization(),
    new MaxPooling2D(),
    new Flatten(),
    new Dropout({ rate: 0.3 }),
    new Dense({ units: 3, activation: "softmax" }),
  ]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const x = randomNormal([16, 8, 8, 1], 0, 1, { seed: 1 });
  const y = tensor(
    Int32Array.from({ length: 16 }, (_, i) => i % 3),
    [16],
    "int32",
  );
  await model.fit(x, y, { epochs: 2, verbose: 0 });
  const path = join(dir, "cnn.kerno");
  await model.save(path);
  const loaded = await loadModel(path);
  sameValues(loaded.predict(x) as Tensor, model.predict(x) as Tensor);
  assert.equal(loaded.summary({ print: false }), model.summary({ print: false }));
  assert.equal(readdirSync(dir).filter((f) => f.includes(".tmp")).length, 0, "no temporary files left");
});

test("training resumes: optimizer slots and step count are restored", async () => {
  const make = () => new Sequential([Input({ shape: [3] }), new Dense({ units: 2, kernelInitializer: { name: "glorotUniform", seed: 4 } })]);
  const x = randomNormal([32, 3], 0, 1, { seed: 2 }),
    y = randomNormal([32, 2], 0, 1, { seed: 3 });
  const a = make();
  a.compile({ optimizer: "adam", loss: "mse" });
  await a.fit(x, y, { epochs: 2, verbose: 0, shuffle: false });
  const path = join(dir, "resume.kerno");
  await a.save(path);
  const b = await loadModel(path);
  assert.equal(b.optimizer!.iterations, a.optimizer!.iterations);
  await a.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
  await b.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
  sameValues(b.predict(x) as Tensor, a.predict(x) as Tensor);
});

test("functional models with shared layers and nested models round-trip", async () => {
  const innerIn = Input({ shape: [4] });
  const inner = new Model({ inputs: innerIn, outputs: new Dense({ units: 4, activation: "tanh" }).apply(innerIn), name: "inner" });
  inner.trainable = false;
  const a = Input({ shape: [4] }),
    b = Input({ shape: [4] });
  const shared = new Dense({ units: 4, name: "shared" });
  const merged = new Add().apply([shared.apply(inner.apply(a)), shared.apply(b)]) as never;
  const model = new Model({ inputs: [a, b], outputs: new Dense({ units: 1 }).apply(merged), name: "two_towers" });
  const path = join(dir, "towers.kerno");
  await model.save(path);
  const loaded = await loadModel(path);
  const xa = randomNormal([5, 4], 0, 1, { seed: 7 }),
    xb = randomNormal([5, 4], 0, 1, { seed: 8 });
  sameValues(loaded.predict([xa, xb]) as Tensor, model.predict([xa, xb]) as Tensor);
  assert.equal(loaded.trainableWeights.length, model.trainableWeights.length);
  assert.equal(loaded.name, "two_towers");
});
