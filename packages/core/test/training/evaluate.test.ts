import assert from "node:assert/strict";
import { test } from "node:test";
import { Dataset, Dense, extractFeatures, Input, Sequential, type Tensor, tensor } from "../../src/index.js";

function fixed() {
  const m = new Sequential([Input({ shape: [2] }), new Dense({ units: 1, kernelInitializer: "ones", biasInitializer: "zeros" })]);
  m.compile({ optimizer: "sgd", loss: "mse", metrics: ["mae"] });
  return m;
}

test("evaluate gives the sample-weighted loss and metrics over all batches; tensors and Datasets agree", async () => {
  const x = tensor([
      [1, 0],
      [0, 2],
      [1, 1],
    ]),
    y = tensor([[0], [0], [0]]);
  // predictions 1, 2, 2: mse (1 + 4 + 4) / 3 = 3, mae 5 / 3
  const logs = await fixed().evaluate(x, y, { batchSize: 2 });
  assert.ok(Math.abs(logs.loss - 3) < 1e-6 && Math.abs(logs.mae - 5 / 3) < 1e-6, JSON.stringify(logs));
  const fromDataset = await fixed().evaluate(Dataset.fromTensors(x, y).batch(2));
  assert.ok(Math.abs(fromDataset.loss - 3) < 1e-6);
  const weighted = await fixed().evaluate(x, y, { sampleWeight: tensor([1, 0, 0]) });
  assert.ok(Math.abs(weighted.loss - 1 / 3) < 1e-6, "sum(w * l) / n");
  await assert.rejects(async () => fixed().evaluate(x, tensor([[0], [0]])), /inputs and targets have different numbers of samples/);
});

test("predict concatenates batches, and a model must be compiled to evaluate", async () => {
  const m = fixed();
  const p = m.predict(
    tensor([
      [1, 1],
      [2, 2],
      [3, 3],
    ]),
    { batchSize: 2 },
  ) as Tensor;
  assert.deepEqual(Array.from(p.floats()), [2, 4, 6]);
  const raw = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })]);
  await assert.rejects(async () => raw.evaluate(tensor([[1, 1]]), tensor([[1]])), /must be compiled first/);
  assert.throws(() => m.predict(tensor(new Float32Array(0), [0, 2])), /no samples/);
});

test("extractFeatures runs a model once over a Dataset (or tensors) and keeps the labels beside", async () => {
  const m = fixed();
  const x = tensor([
      [1, 0],
      [0, 2],
      [1, 1],
    ]),
    y = tensor([[5], [6], [7]]);
  const { features, labels } = await extractFeatures(m, Dataset.fromTensors(x, y).batch(2));
  assert.deepEqual(Array.from(features.floats()), [1, 2, 2]);
  assert.deepEqual(Array.from(labels!.floats()), [5, 6, 7]);
  assert.deepEqual(Array.from((await extractFeatures(m, x)).features.floats()), [1, 2, 2]);
});
