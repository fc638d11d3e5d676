import assert from "node:assert/strict";
import { test } from "node:test";
import { Dataset, Dense, Input, randomNormal, Sequential, setSeed, type Tensor, tensor } from "../../src/index.js";

function data(n: number, seed = 1) {
  const x = randomNormal([n, 4], 0, 1, { seed });
  const v = x.floats();
  const y = tensor(
    Int32Array.from({ length: n }, (_, i) => (v[4 * i] + v[4 * i + 1] > 0 ? 1 : 0)),
    [n],
    "int32",
  );
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
  const a = await run(),
    b = await run();
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
  // "balanced" weighs class c by n / (classes * count_c): the logged loss of one full batch is the
  // initial model's loss under those sample weights
  const xv = x.floats();
  const labels = Int32Array.from({ length: 64 }, (_, i) => (xv[4 * i] > 0.6 ? 1 : 0));
  const skewed = tensor(labels, [64], "int32");
  const count1 = labels.reduce((s, v) => s + v, 0),
    counts = [64 - count1, count1];
  assert.ok(count1 > 0 && counts[0] > 2 * count1, `the data is unbalanced (${counts}), so the weights matter`);
  const weights = tensor(
    Float32Array.from(labels, (c) => 64 / (2 * counts[c])),
    [64],
  );
  setSeed(1);
  const expected = (await classifier().evaluate(x, skewed, { batchSize: 64, sampleWeight: weights })).loss;
  setSeed(1);
  const unweighted = (await classifier().evaluate(x, skewed, { batchSize: 64 })).loss;
  setSeed(1);
  const balanced = classifier();
  const hb = await balanced.fit(x, skewed, {
    epochs: 1,
    batchSize: 64,
    verbose: 0,
    classWeight: "balanced",
    sampleWeight: tensor(new Float32Array(64).fill(1)),
  });
  assert.ok(Math.abs(hb.history.loss[0] - expected) < 1e-5, `balanced loss ${hb.history.loss[0]} vs ${expected}`);
  assert.ok(Math.abs(expected - unweighted) > 1e-3, `and differs from the unweighted loss ${unweighted}`);
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

test("an option fit does not take is an error, not ignored: the retired runDir and distributed say what replaced them", async () => {
  const { x, y } = data(8);
  const m = classifier();
  const retired = { epochs: 1, verbose: 0, runDir: "runs/x", distributed: true } as Parameters<typeof m.fit>[2];
  await assert.rejects(
    m.fit(x, y, retired),
    /fit: unknown option 'runDir', 'distributed'; fit takes epochs, .*strategy \(a run folder is a callback, new RunHistory/,
  );
  const unset = { epochs: 1, verbose: 0, runDir: undefined } as Parameters<typeof m.fit>[2];
  assert.equal((await m.fit(x, y, unset)).history.loss.length, 1, "an option left undefined is no option");
});
