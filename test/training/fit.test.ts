import { test } from "node:test";
import assert from "node:assert/strict";
import { Dataset, Dense, Input, randomNormal, Sequential, setSeed, tensor, type Tensor } from "../../src/index.js";

function data(n: number, seed = 1) {
  const x = randomNormal([n, 4], 0, 1, { seed });
  const v = x.floats();
  const y = tensor(Int32Array.from({ length: n }, (_, i) => (v[4 * i] + v[4 * i + 1] > 0 ? 1 : 0)), [n], "int32");
  return { x, y };
}

function classifier() {
  const m = new Sequential([Input({ shape: [4] }), new Dense({ units: 8, activation: "relu" }), new Dense({ units: 2, activation: "softmax" })]);
  m.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  return m;
}

test("seeded fits are reproducible; validationSplit holds out the last rows", async () => {
  const { x, y } = data(100);
  const run = async () => {
    setSeed(3);
    const m = classifier();
    return (await m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, seed: 9, validationSplit: 0.2 })).history;
  };
  const a = await run(), b = await run();
  assert.deepEqual(a, b);
  assert.deepEqual(Object.keys(a).sort(), ["accuracy", "loss", "val_accuracy", "val_loss"]);
});

test("class weights and sample weights scale the loss", async () => {
  const { x, y } = data(64);
  setSeed(1);
  const plain = classifier();
  const h1 = await plain.fit(x, y, { epochs: 1, verbose: 0, shuffle: false });
  setSeed(1);
  const weighted = classifier();
  const h2 = await weighted.fit(x, y, { epochs: 1, verbose: 0, shuffle: false, classWeight: { 0: 2, 1: 2 } });
  assert.ok(Math.abs(h2.history.loss[0] - 2 * h1.history.loss[0]) < 1e-4 * h1.history.loss[0] + 1e-6, `${h2.history.loss[0]} vs 2 x ${h1.history.loss[0]}`);
  setSeed(1);
  const balanced = classifier();
  await balanced.fit(x, y, { epochs: 1, verbose: 0, classWeight: "balanced", sampleWeight: tensor(new Float32Array(64).fill(1)) });
  await assert.rejects(classifier().fit(x, y, { verbose: 0, classWeight: { 0: 1 } }), /classWeight has no entry for class 1/);
});

test("fit, evaluate and predict on a Dataset", async () => {
  const { x, y } = data(96);
  const ds = Dataset.fromTensors(x, y).shuffle(1).batch(32);
  const m = classifier();
  const h = await m.fit(ds, { epochs: 4, verbose: 0, validationData: Dataset.fromTensors(x, y).batch(48) });
  assert.equal(h.history.loss.length, 4);
  assert.ok(h.history.loss[3] < h.history.loss[0]);
  const logs = await m.evaluate(Dataset.fromTensors(x, y).batch(50));
  assert.ok(Math.abs(logs.loss - h.history.val_loss[3]) < 1e-4);
  assert.deepEqual((m.predict(x, { batchSize: 7 }) as Tensor).shape, [96, 2]);
  await assert.rejects(m.fit(ds, y, { verbose: 0 }), /when x is a Dataset, it yields the targets too/);
});
