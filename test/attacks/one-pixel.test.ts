import assert from "node:assert/strict";
import { test } from "node:test";
import { onePixelAttack } from "../../src/attacks/one-pixel.js";
import { Dense, Flatten, Input, Sequential, tensor } from "../../src/index.js";

/** Answers class 1 exactly when pixel (x 5, y 2) is brighter than 0.5; any other pixel is ignored. */
function oneWatchedPixel() {
  const dense = new Dense({ units: 2, activation: "softmax" });
  const model = new Sequential([Input({ shape: [8, 8, 1] }), new Flatten(), dense]);
  const w = new Float32Array(128);
  w[(2 * 8 + 5) * 2 + 1] = 40;
  dense.weights[0].assign(tensor(w, [64, 2]));
  dense.weights[1].assign(tensor([0, -20]));
  return model;
}

test("differential evolution finds the one pixel the model watches, and stops as soon as the label flips", () => {
  const model = oneWatchedPixel();
  const black = tensor(new Float32Array(64), [8, 8, 1]);
  const r = onePixelAttack(model, black, { seed: 3 });
  assert.equal(r.success, true);
  assert.equal(r.trueClass, 0);
  assert.equal(r.predictedClass, 1);
  assert.deepEqual([r.changes[0].x, r.changes[0].y], [5, 2]);
  assert.ok(r.changes[0].value[0] > 0.5 && r.changes[0].value[0] <= 1, "inside the [0, 1] input range");
  assert.equal(r.image.floats()[2 * 8 + 5], r.changes[0].value[0]);
  assert.ok(r.trueProbabilityBefore > 0.99 && r.trueProbabilityAfter < 0.5);
  assert.ok(r.generations <= 5 && r.modelCalls === r.generations + 2, `${r.generations} generations, ${r.modelCalls} calls`);
  assert.equal(r.evaluations, 1 + 400 * (r.generations + 1));
});

test("stopEarly false runs every generation and still reports the best flip", () => {
  const model = oneWatchedPixel();
  const black = tensor(new Float32Array(64), [8, 8, 1]);
  const r = onePixelAttack(model, black, { seed: 3, population: 50, generations: 6, stopEarly: false });
  assert.equal(r.generations, 6);
  assert.equal(r.evaluations, 1 + 50 * 7);
  assert.equal(r.success, true);
  assert.deepEqual([r.changes[0].x, r.changes[0].y], [5, 2]);
});

test("targeted attacks, several pixels, and attacks that cannot succeed", () => {
  const model = oneWatchedPixel();
  const black = tensor(new Float32Array(64), [8, 8, 1]);
  const t = onePixelAttack(model, black, { targetClass: 1, pixels: 3, population: 50, seed: 1 });
  assert.equal(t.success, true);
  assert.equal(t.changes.length, 3);
  // a bright watched pixel can only be darkened by changing that pixel; with 255-range values, the range is respected
  const blind = new Sequential([Input({ shape: [8, 8, 1] }), new Flatten(), new Dense({ units: 2, activation: "softmax", kernelInitializer: "zeros" })]);
  const held = onePixelAttack(blind, tensor(new Float32Array(64).fill(200), [8, 8, 1]), { population: 20, generations: 3, trueClass: 0 });
  assert.equal(held.success, false);
  assert.equal(held.generations, 3);
  assert.ok(held.changes[0].value[0] >= 0 && held.changes[0].value[0] <= 255);
  assert.throws(() => onePixelAttack(model, tensor(new Float32Array(49), [7, 7, 1])), /takes images of shape \[8, 8, 1\], got \[7, 7, 1\]/);
  assert.throws(() => onePixelAttack(model, black, { targetClass: 0 }), /targetClass must be another of the model's 2 classes/);
  assert.throws(() => onePixelAttack(model, black, { population: 3 }), /at least 4 candidates/);
});
