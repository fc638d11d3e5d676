import assert from "node:assert/strict";
import { test } from "node:test";
import { attackSuccessRate } from "../../src/attacks/success-rate.js";
import { Dense, Flatten, Input, Sequential, tensor } from "../../src/index.js";

function watcher() {
  const dense = new Dense({ units: 2, activation: "softmax" });
  const model = new Sequential([Input({ shape: [4, 4, 1] }), new Flatten(), dense]);
  const w = new Float32Array(32);
  w[5 * 2 + 1] = 40;
  dense.weights[0].assign(tensor(w, [16, 2]));
  dense.weights[1].assign(tensor([0, -20]));
  return model;
}

test("only images the model gets right are attacked; the rate is over those", () => {
  const model = watcher();
  const images = tensor(new Float32Array(3 * 16), [3, 4, 4, 1]);
  const labels = [0, 1, 0]; // image 1 is black, so the model says 0: misclassified, left out
  const seen: number[] = [];
  const r = attackSuccessRate(model, images, labels, { attack: "one-pixel", population: 40, seed: 2 }, { onResult: (_, i) => seen.push(i) });
  assert.deepEqual([r.attacked, r.misclassified, r.successes, r.rate], [2, 1, 2, 1]);
  assert.deepEqual(seen, [0, 2]);
  assert.ok(r.meanEvaluations! > 40);
  const f = attackSuccessRate(model, images, labels, { attack: "fgsm", epsilon: 0.1 }, { count: 2 });
  assert.deepEqual([f.attacked, f.misclassified], [1, 1]);
  assert.equal(f.successes, 0, "0.1 on one pixel cannot reach a 0.5 threshold");
  assert.equal(attackSuccessRate(model, images, labels, { attack: "pgd", epsilon: 0.6, steps: 5 }).successes, 2);
});
