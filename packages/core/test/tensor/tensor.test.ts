import assert from "node:assert/strict";
import { test } from "node:test";
import { tensor } from "../../src/index.js";

test("toArray, item, data and toString", () => {
  const t = tensor([
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(t.toArray(), [
    [1, 2],
    [3, 4],
  ]);
  assert.ok(t.data() instanceof Float32Array);
  assert.equal(tensor([5]).item(), 5);
  assert.throws(() => t.item(), /item\(\): tensor of shape \[2,2\] has 4 elements, expected 1/);
  assert.match(t.toString(), /Tensor\(float32, \[2,2\]\) \[1, 2, 3, 4\]/);
  assert.deepEqual(tensor(3).toArray(), 3);
});
