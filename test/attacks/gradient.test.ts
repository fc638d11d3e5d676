import assert from "node:assert/strict";
import { test } from "node:test";
import { fgsm, pgd } from "../../src/attacks/gradient.js";
import { probabilities } from "../../src/attacks/probabilities.js";
import { Dense, Flatten, Input, Sequential, tensor } from "../../src/index.js";

/** Class 1 when pixel 0 outweighs pixel 1. */
function comparer() {
  const dense = new Dense({ units: 2, activation: "softmax" });
  const model = new Sequential([Input({ shape: [1, 2, 1] }), new Flatten(), dense]);
  dense.weights[0].assign(tensor([0, 1, 0, -1], [2, 2]));
  return model;
}

test("FGSM moves every pixel by epsilon against the true class, inside the input range", () => {
  const model = comparer();
  const x = tensor([0.55, 0.5, 0.2, 0.99], [2, 1, 2, 1]);
  const adv = fgsm(model, x, [1, 1], { epsilon: 0.1 });
  assert.deepEqual(
    Array.from(adv.floats()).map((v) => +v.toFixed(4)),
    [0.45, 0.6, 0.1, 1],
  );
  const p = probabilities(model, adv);
  assert.ok(p.p[0] > p.p[1], "the first image now reads as class 0");
});

test("PGD stays in the epsilon-ball and the range, and flips what FGSM's single step cannot", () => {
  const model = comparer();
  const x = tensor([0.6, 0.45], [1, 1, 2, 1]);
  const one = fgsm(model, x, [1], { epsilon: 0.05 });
  assert.ok(probabilities(model, one).p[1] > 0.5, "one step of 0.05 leaves a margin of 0.05: still class 1");
  const adv = pgd(model, x, [1], { epsilon: 0.1, steps: 20 }).floats();
  assert.ok(Math.abs(adv[0] - 0.6) <= 0.1 + 1e-6 && Math.abs(adv[1] - 0.45) <= 0.1 + 1e-6);
  assert.ok(adv[0] < adv[1], "flipped");
  const clipped = pgd(model, tensor([250, 10], [1, 1, 2, 1]), [1], { epsilon: 20 }).floats();
  assert.ok(clipped[0] <= 255 && clipped[1] >= 0 && clipped[1] <= 30);
});
