import assert from "node:assert/strict";
import { test } from "node:test";
import { clearSession, Dense, Input, l2, Model, randomNormal, tensor } from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";

test("Dense: output shape and units * (in + 1) parameters, Keras weight layout", () => {
  clearSession();
  const d = new Dense({ units: 64, activation: "relu" });
  checkLayer(d, [784], [null, 64], 784 * 64 + 64);
  assert.equal(d.name, "dense");
  assert.deepEqual(
    d.weights.map((w) => w.shape),
    [[784, 64], [64]],
  );
  assert.equal(new Dense({ units: 3 }).name, "dense_1");
  checkLayer(new Dense({ units: 5, useBias: false }), [4, 7], [null, 4, 5], 35);
});

test("Dense computes act(x W + b) and applies to the last axis", () => {
  const d = new Dense({ units: 2, activation: "relu", kernelInitializer: "ones", biasInitializer: "ones" });
  const y = d.apply(tensor([[1, -5]]));
  assert.deepEqual(Array.from((y as ReturnType<typeof tensor>).data()), [0, 0]);
  const z = new Dense({ units: 1, kernelInitializer: "ones" }).apply(tensor([[1, 2, 3]]));
  assert.deepEqual((z as ReturnType<typeof tensor>).toArray(), [[6]]);
});

test("wrong input names the layer and both shapes", () => {
  const d = new Dense({ units: 64, name: "dense_x" });
  d.apply(Input({ shape: [784] }));
  assert.throws(() => d.apply(randomNormal([32, 28, 28])), /Dense 'dense_x': expected input with 784 features, got \(32, 28, 28\)/);
  assert.throws(() => new Dense({ units: 0 }), /units must be a positive integer/);
  assert.throws(() => new Dense({ units: 2, activation: "swishy" }), /unknown activation 'swishy'/);
});

test("Dense config round trip and regularization penalty", () => {
  const d = new Dense({ units: 3, activation: "tanh", kernelRegularizer: l2(0.1), kernelInitializer: "ones" });
  const inputs = Input({ shape: [2] });
  new Model({ inputs, outputs: d.apply(inputs) });
  const c = d.getConfig();
  assert.equal(c.units, 3);
  assert.equal(c.activation, "tanh");
  const again = new Dense(c as never);
  assert.equal(again.units, 3);
  const [penalty] = d.regularizationLosses();
  assert.ok(Math.abs(penalty.item() - 0.1 * 6) < 1e-6);
});
