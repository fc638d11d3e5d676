import assert from "node:assert/strict";
import { test } from "node:test";
import { broadcastShapes, inferReshape, normalizeAxes, normalizeAxis, reducedShape, sizeOf, stridesOf } from "../../src/tensor/shape.js";

test("shape helpers", () => {
  assert.equal(sizeOf([2, 3, 4]), 24);
  assert.equal(sizeOf([]), 1);
  assert.deepEqual(stridesOf([2, 3, 4]), [12, 4, 1]);
  assert.deepEqual(broadcastShapes([3, 1, 5], [4, 5], "t"), [3, 4, 5]);
  assert.throws(() => broadcastShapes([3], [4], "t"), /t: shapes \[3\] and \[4\] cannot be broadcast together/);
  assert.equal(normalizeAxis(-1, 3, "t"), 2);
  assert.throws(() => normalizeAxis(3, 3, "t"), /t: axis 3 is out of range for a tensor of rank 3/);
  assert.deepEqual(normalizeAxes([2, -3, 0], 3, "t"), [0, 2]);
  assert.deepEqual(reducedShape([2, 3, 4], [1], true), [2, 1, 4]);
  assert.deepEqual(inferReshape(12, [-1, 4], "t", [12]), [3, 4]);
});
