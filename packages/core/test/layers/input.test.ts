import assert from "node:assert/strict";
import { test } from "node:test";
import { Input, InputLayer } from "../../src/index.js";

test("Input returns a symbolic tensor with a None batch; bad shapes are errors", () => {
  const x = Input({ shape: [28, 28, 1] });
  assert.deepEqual(x.shape, [null, 28, 28, 1]);
  assert.ok(x.node.layer instanceof InputLayer);
  assert.match(x.name, /^input_\d+$/);
  assert.throws(() => Input({ shape: [0, 3] }), /Input: shape dimensions must be positive integers or null/);
  assert.throws(() => Input({} as never), /expected \{ shape: \[\.\.\.\] \}/);
});
