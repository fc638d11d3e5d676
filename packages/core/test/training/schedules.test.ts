import assert from "node:assert/strict";
import { test } from "node:test";
import { CosineDecay, ExponentialDecay, PiecewiseConstantDecay } from "../../src/index.js";

test("learning-rate schedules", () => {
  const e = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.96, staircase: true });
  assert.equal(e.at(99), 0.1);
  assert.ok(Math.abs(e.at(100) - 0.096) < 1e-12);
  const c = new CosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 0.1 });
  assert.equal(c.at(0), 1);
  assert.ok(Math.abs(c.at(10) - 0.1) < 1e-12);
  assert.ok(Math.abs(c.at(5) - 0.55) < 1e-12);
  const p = new PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
  assert.deepEqual([p.at(0), p.at(10), p.at(11), p.at(21)], [1, 1, 0.5, 0.1]);
  assert.throws(() => new PiecewiseConstantDecay({ boundaries: [1], values: [1] }), /values needs 2 entries/);
});
