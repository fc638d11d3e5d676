import assert from "node:assert/strict";
import { test } from "node:test";
import { assertClose } from "../../packages/core/test/helpers/gradcheck.js";
import { argmaxRow, probabilities } from "../../src/attacks/probabilities.js";
import { Dense, Input, Sequential, tensor } from "../../src/index.js";

function single(activation: string, w: number[], units = w.length) {
  const d = new Dense({ units, activation, useBias: false });
  const m = new Sequential([Input({ shape: [1] }), d]);
  d.weights[0].assign(tensor(w, [1, units]));
  return m;
}

test("softmax outputs pass through; logits get a softmax; one sigmoid unit becomes two classes", () => {
  const x = tensor([1], [1, 1]);
  assertClose(Array.from(probabilities(single("softmax", [0, Math.log(3)]), x).p), [0.25, 0.75], 1e-6, 1e-7);
  assertClose(Array.from(probabilities(single("linear", [0, Math.log(3)]), x).p), [0.25, 0.75], 1e-6, 1e-7);
  const sig = probabilities(single("sigmoid", [0]), x);
  assert.deepEqual([sig.classes, ...sig.p], [2, 0.5, 0.5]);
  const logit = probabilities(single("linear", [Math.log(3)], 1), x);
  assertClose(Array.from(logit.p), [0.25, 0.75], 1e-6, 1e-7);
  assert.equal(argmaxRow(logit, 0), 1);
});
