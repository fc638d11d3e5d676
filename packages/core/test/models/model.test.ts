import assert from "node:assert/strict";
import { test } from "node:test";
import { Concatenate, Dense, Dropout, Flatten, Input, Model, randomNormal, Sequential, setSeed, type Tensor, tensor } from "../../src/index.js";

/** Two classes split by the line x0 = x1. */
function lineData(n: number) {
  const x = randomNormal([n, 2], 0, 1, { seed: 5 });
  const v = x.floats();
  const y = tensor(
    Int32Array.from({ length: n }, (_, i) => (v[2 * i] > v[2 * i + 1] ? 1 : 0)),
    [n],
    "int32",
  );
  return { x, y };
}

test("fit lowers the loss on generated data, and evaluate/predict agree with it", async () => {
  setSeed(1);
  const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 16, activation: "tanh" }), new Dense({ units: 2, activation: "softmax" })]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const { x, y } = lineData(400);
  const history = await model.fit(x, y, { epochs: 30, batchSize: 32, verbose: 0, seed: 1 });
  const loss = history.history.loss;
  assert.equal(loss.length, 30);
  assert.ok(loss[29] < loss[0] * 0.6, `loss ${loss[0]} -> ${loss[29]}`);
  assert.ok(history.history.accuracy[29] > 0.85);
  const logs = await model.evaluate(x, y, { batchSize: 64 });
  assert.ok(logs.accuracy > 0.85);
  const p = model.predict(x) as Tensor;
  assert.deepEqual(p.shape, [400, 2]);
});

test("functional model with two inputs, two outputs and named per-output losses", async () => {
  const a = Input({ shape: [3], name: "a" }),
    b = Input({ shape: [2], name: "b" });
  const h = new Dense({ units: 8, activation: "relu" }).apply(new Concatenate().apply([a, b]) as never);
  const cls = new Dense({ units: 3, activation: "softmax", name: "cls" }).apply(h);
  const reg = new Dense({ units: 1, name: "reg" }).apply(h);
  const model = new Model({ inputs: [a, b], outputs: [cls, reg] });
  model.compile({
    optimizer: "adam",
    loss: { cls: "sparse_categorical_crossentropy", reg: "mse" },
    metrics: { cls: ["accuracy"], reg: ["mae"] },
    lossWeights: [1, 0.5],
  });
  const xa = randomNormal([64, 3], 0, 1, { seed: 1 }),
    xb = randomNormal([64, 2], 0, 1, { seed: 2 });
  const yc = tensor(
      Int32Array.from({ length: 64 }, (_, i) => i % 3),
      [64],
      "int32",
    ),
    yr = randomNormal([64, 1], 0, 1, { seed: 3 });
  const history = await model.fit([xa, xb], [yc, yr], { epochs: 2, verbose: 0 });
  assert.deepEqual(Object.keys(history.history).sort(), ["cls_accuracy", "cls_loss", "loss", "reg_loss", "reg_mae"]);
  const [pc, pr] = model.predict([xa, xb]) as Tensor[];
  assert.deepEqual(pc.shape, [64, 3]);
  assert.deepEqual(pr.shape, [64, 1]);
  assert.equal(model.getLayer("cls").name, "cls");
  assert.throws(() => model.getLayer("nope"), /no layer named 'nope'/);
});

test("a model is a layer: nested, frozen, and unfrozen again", () => {
  const inner = new Sequential([Input({ shape: [4] }), new Dense({ units: 3 })], { name: "inner" });
  const outer = new Sequential([Input({ shape: [4] }), inner, new Dense({ units: 1 })]);
  assert.equal(outer.countParams(), 15 + 4);
  inner.trainable = false;
  assert.equal(outer.trainableWeights.length, 2);
  assert.equal(outer.nonTrainableWeights.length, 2);
  inner.trainable = true;
  assert.equal(outer.trainableWeights.length, 4);
  assert.deepEqual((outer.predict(randomNormal([5, 4])) as Tensor).shape, [5, 1]);
});

test("a Sequential without an input shape builds on first use", () => {
  const model = new Sequential([new Dense({ units: 3 }), new Dropout({ rate: 0.5 }), new Dense({ units: 1 })]);
  assert.throws(() => model.summary({ print: false }), /has no input shape yet/);
  assert.deepEqual((model.predict(randomNormal([2, 7])) as Tensor).shape, [2, 1]);
  assert.equal(model.countParams(), 7 * 3 + 3 + 4);
  assert.match(model.summary({ print: false }), /Total params: 28/);
});

test("bad inputs and targets fail before training with clear messages", async () => {
  const model = new Sequential([Input({ shape: [28, 28] }), new Flatten(), new Dense({ units: 10, activation: "softmax", name: "out" })]);
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy" });
  const x = randomNormal([4, 28, 28]);
  await assert.rejects(
    model.fit(x, tensor([0, 1, 2, 12], undefined, "int32"), { verbose: 0 }),
    /labels must be integers in \[0, 10\) for the 10-way output 'out'; found 12 at sample 3/,
  );
  await assert.rejects(model.fit(x, tensor([0, 1, 2], undefined, "int32"), { verbose: 0 }), /4 input samples but 3 target samples/);
  assert.throws(() => model.predict(randomNormal([4, 27, 28])), /expected input of shape \(None, 28, 28\), got \(4, 27, 28\)/);
  const binary = new Sequential([Input({ shape: [5] }), new Dense({ units: 10, activation: "sigmoid", name: "probs" })]);
  binary.compile({ optimizer: "adam", loss: "binary_crossentropy" });
  await assert.rejects(
    binary.fit(randomNormal([4, 5]), tensor([0, 1, 1, 0]), { verbose: 0 }),
    /binary_crossentropy compares one probability per target: output 'probs' gives 10 value\(s\) per sample but the targets have 1\. For 10 classes use sparse_categorical_crossentropy/,
  );
  const uncompiled = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })]);
  await assert.rejects(uncompiled.fit(randomNormal([2, 2]), randomNormal([2, 1])), /must be compiled first/);
  assert.throws(() => model.compile({ optimizer: "adamax" as never, loss: "mse" }), /unknown optimizer 'adamax'/);
  assert.throws(() => model.compile({ optimizer: "adam", loss: "crossentropy" }), /unknown loss 'crossentropy'/);
});
