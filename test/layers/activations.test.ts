import { test } from "node:test";
import assert from "node:assert/strict";
import { tensor } from "../../src/index.js";
import { activationName, applyActivation, fusable, logitsOf } from "../../src/layers/activations.js";

test("activation names, fusion and remembered logits", () => {
  assert.equal(activationName("leakyRelu", "t"), "leaky_relu");
  assert.equal(activationName(undefined, "t"), "linear");
  assert.equal(fusable("relu"), "relu");
  assert.equal(fusable("sigmoid"), null, "sigmoid stays unfused so the loss can see its logits");
  const z = tensor([[1, 2]]);
  const p = applyActivation("softmax", z);
  assert.equal(logitsOf(p)?.logits, z);
  assert.equal(logitsOf(applyActivation("relu", z)), undefined);
});
