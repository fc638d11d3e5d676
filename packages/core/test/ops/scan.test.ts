import assert from "node:assert/strict";
import { test } from "node:test";
import { bincount, cumsum, mul, tensor } from "../../src/index.js";
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

test("bincount: int32 counts of each value up to the largest (or minlength), float32 sums with weights (as keras.ops.bincount)", () => {
  const x = tensor([1, 3, 1, 0, 3, 3], [6], "int32");
  const counts = bincount(x);
  assert.equal(counts.dtype, "int32");
  assert.deepEqual(Array.from(counts.values), [1, 2, 0, 3]);
  assert.deepEqual(Array.from(bincount(x, { minlength: 6 }).values), [1, 2, 0, 3, 0, 0]);
  const weighted = bincount(x, { weights: tensor([0.5, 1, 2, 4, -1, 0.25]) });
  assert.equal(weighted.dtype, "float32");
  assert.deepEqual(Array.from(weighted.floats()), [4, 2.5, 0, 0.25]);
  assert.deepEqual(Array.from(bincount(tensor([], [0], "int32")).values), []);
  // int32 counts, exact past float32's 2^24
  assert.equal(bincount(tensor(new Int32Array(17_000_001), [17_000_001], "int32")).values[0], 17_000_001);
  assert.throws(() => bincount(tensor([2, -1], [2], "int32")), /bincount: x must be non-negative, got -1 at index 1/);
  assert.throws(() => bincount(tensor([1, 2])), /bincount: input must be int32, got float32/);
  assert.throws(() => bincount(tensor([[1]], [1, 1], "int32")), /bincount: expected input of rank 1 \[n\], got \[1,1\]/);
  assert.throws(() => bincount(x, { weights: tensor([1, 2]) }), /bincount: weights must be \[6\] \(one per value of x\), got \[2\]/);
  assert.throws(() => bincount(x, { minlength: -1 }), /bincount: minlength must be a non-negative integer, got -1/);
});

test("bincount's gradient with respect to the weights: the output's gradient at each value's bin", () => {
  const x = tensor([2, 0, 2, 1, 4], [5], "int32");
  const w = rand([5], 7);
  const scale = rand([6], 8);
  checkGrad((u) => mul(bincount(x, { weights: u, minlength: 6 }), scale), [w]);
});
