import assert from "node:assert/strict";
import { test } from "node:test";
import { tensor, Variable, variable } from "../../src/index.js";

test("Variable copies its initial value and assigns in place", () => {
  const init = tensor([1, 2]);
  const v = variable(init, { name: "v" });
  v.assign(tensor([5, 6]));
  assert.deepEqual(v.toArray(), [5, 6]);
  assert.deepEqual(init.toArray(), [1, 2]);
  const snap = v.read();
  v.assign(tensor([0, 0]));
  assert.deepEqual(snap.toArray(), [5, 6]);
  assert.throws(() => v.assign(tensor([1, 2, 3])), /Variable 'v'.assign: expected shape \[2\], got \[3\]/);
  assert.equal(new Variable(tensor([1]), { trainable: false }).trainable, false);
});
