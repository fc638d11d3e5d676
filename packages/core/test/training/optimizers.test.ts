import assert from "node:assert/strict";
import { test } from "node:test";
import { Adam, AdamW, ExponentialDecay, RMSprop, SGD, tensor, Variable } from "../../src/index.js";
import { getOptimizer, optimizerFromConfig } from "../../src/training/optimizers.js";
import { assertClose } from "../helpers/gradcheck.js";

const g = tensor([0.5, -1]);

test("SGD with momentum and nesterov follows Keras's update", () => {
  const v = new Variable(tensor([1, 2]));
  const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
  opt.apply([g], [v]);
  opt.apply([g], [v]);
  // m1 = -lr g, p1 = p0 + m1; m2 = 0.9 m1 - lr g, p2 = p1 + m2 (g = 0.5: 0.95, 0.855; g = -1: 2.1, 2.29)
  assertClose(v.data(), [0.855, 2.29]);
  const w = new Variable(tensor([1]));
  new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }).apply([tensor([1])], [w]);
  assertClose(w.data(), [1 + 0.9 * -0.1 - 0.1]);
});

test("RMSprop and Adam/AdamW match Keras's formulas for one step", () => {
  const r = new Variable(tensor([1, 2]));
  new RMSprop({ learningRate: 0.01 }).apply([g], [r]);
  const ms = [0.1 * 0.25, 0.1 * 1];
  assertClose(r.data(), [1 - (0.01 * 0.5) / Math.sqrt(ms[0] + 1e-7), 2 + 0.01 / Math.sqrt(ms[1] + 1e-7)], 1e-5);
  const a = new Variable(tensor([1, 2]));
  const adam = new Adam({ learningRate: 0.01 });
  adam.apply([g], [a]);
  // step 1: m = 0.1 g, v = 0.001 g^2, alpha = lr * sqrt(1 - b2) / (1 - b1); p -= alpha * m / (sqrt(v) + eps)
  const alpha = (0.01 * Math.sqrt(0.001)) / 0.1;
  const step = (gi: number) => (alpha * 0.1 * gi) / (Math.sqrt(0.001 * gi * gi) + 1e-7);
  assertClose(a.data(), [1 - step(0.5), 2 - step(-1)], 1e-6);
  assert.equal(adam.iterations, 1);
  const w = new Variable(tensor([1]));
  new AdamW({ learningRate: 0.1, weightDecay: 0.5 }).apply([tensor([0])], [w]);
  assertClose(w.data(), [0.95], 1e-6);
});

test("schedules drive the learning rate by step; names and configs resolve", () => {
  const opt = new SGD({ learningRate: new ExponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0.5 }) });
  assert.equal(opt.currentLearningRate(), 1);
  opt.iterations = 10;
  assert.equal(opt.currentLearningRate(), 0.5);
  assert.equal(getOptimizer("adam").className, "Adam");
  const again = optimizerFromConfig("SGD", opt.getConfig());
  again.iterations = 20;
  assert.equal(again.currentLearningRate(), 0.25);
  assert.throws(() => new SGD({ learningRate: -1 }), /learningRate must be positive/);
});
