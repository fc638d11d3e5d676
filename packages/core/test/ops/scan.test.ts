import assert from "node:assert/strict";
import { test } from "node:test";
import { cumsum, mul, tensor } from "../../src/index.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

test("cumsum: running sums along an axis, from the end with reverse, over the flattened tensor with no axis (as keras.ops.cumsum)", () => {
  const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.deepEqual(Array.from(cumsum(x, 1).floats()), [1, 3, 6, 4, 9, 15]);
  assert.deepEqual(Array.from(cumsum(x, 0).floats()), [1, 2, 3, 5, 7, 9]);
  assert.deepEqual(Array.from(cumsum(x, -1, { reverse: true }).floats()), [6, 5, 3, 15, 11, 6]);
  const flat = cumsum(x);
  assert.deepEqual(flat.shape, [6]);
  assert.deepEqual(Array.from(flat.floats()), [1, 3, 6, 10, 15, 21]);
  assert.deepEqual(cumsum(tensor([], [2, 0]), 1).shape, [2, 0]);
  assert.throws(() => cumsum(x, 2), /cumsum: axis 2/);
});

test("cumsum's gradient: the running sum of the output's gradient the other way", () => {
  const x = rand([3, 4, 2], 3);
  const w = rand([3, 4, 2], 4);
  for (const axis of [0, 1, 2]) for (const reverse of [false, true]) checkGrad((u) => mul(cumsum(u, axis, { reverse }), w), [x]);
  checkGrad((u) => cumsum(u), [x]);
  // the reverse sum is the forward sum of the flipped input, flipped back
  const forward = cumsum(tensor([5, 1, 2], [3]), 0).floats();
  assertClose(cumsum(tensor([2, 1, 5], [3]), 0, { reverse: true }).floats(), [forward[2], forward[1], forward[0]]);
});
