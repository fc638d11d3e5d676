import assert from "node:assert/strict";
import { test } from "node:test";
import { tensor } from "../../src/index.js";
import { activationName, applyActivation, fusable, splitActivation } from "../../src/layers/activation-names.js";
import { assertClose } from "../helpers/gradcheck.js";

test("activation names, fusion, and the split between kernel and after-pass", () => {
  assert.equal(activationName("leakyRelu", "t"), "leaky_relu");
  assert.equal(activationName(undefined, "t"), "linear");
  assert.throws(() => activationName("wiggle", "Dense 'd'"), /Dense 'd': unknown activation 'wiggle'/);
  assert.equal(fusable("relu"), "relu");
  assert.equal(fusable("sigmoid"), "sigmoid");
  assert.equal(fusable("softmax"), null);
  assert.deepEqual(splitActivation("softmax"), { fused: "linear", after: "softmax" });
  assert.deepEqual(splitActivation("relu"), { fused: "relu", after: "linear" });
  assert.deepEqual(splitActivation("sigmoid", true), { fused: "linear", after: "linear" }, "logits: no activation at all");
  assertClose(applyActivation("softmax", tensor([[0, Math.log(3)]])).floats(), [0.25, 0.75], 1e-6);
});
