import assert from "node:assert/strict";
import { test } from "node:test";
import { cast, equal, greater, greaterEqual, less, lessEqual, logicalAnd, logicalNot, notEqual, tensor, where } from "../../src/index.js";
import { checkGrad, rand } from "../helpers/gradcheck.js";

test("comparisons return bool tensors with broadcasting", () => {
  const a = tensor([
    [1, 2],
    [3, 4],
  ]);
  const y = greater(a, tensor([2, 2]));
  assert.equal(y.dtype, "bool");
  assert.deepEqual(y.toArray(), [
    [false, false],
    [true, true],
  ]);
  assert.deepEqual(equal(a, 2).toArray(), [
    [false, true],
    [false, false],
  ]);
  assert.deepEqual(notEqual(a, 2).toArray(), [
    [true, false],
    [true, true],
  ]);
  assert.deepEqual(less(a, 2).toArray(), [
    [true, false],
    [false, false],
  ]);
  assert.deepEqual(lessEqual(a, 2).toArray(), [
    [true, true],
    [false, false],
  ]);
  assert.deepEqual(greaterEqual(a, 3).toArray(), [
    [false, false],
    [true, true],
  ]);
  assert.deepEqual(logicalAnd(greater(a, 1), less(a, 4)).toArray(), [
    [false, true],
    [true, false],
  ]);
  assert.deepEqual(logicalNot(greater(a, 1)).toArray(), [
    [true, false],
    [false, false],
  ]);
});

test("where selects with broadcasting and sends gradients to the chosen branch", () => {
  const cond = tensor([true, false, true]);
  assert.deepEqual(where(cond, tensor([1, 2, 3]), 0).toArray(), [1, 0, 3]);
  checkGrad((a, b) => where(cond, a, b), [rand([2, 3], 1), rand([3], 2)]);
  assert.throws(() => where(tensor([1, 0]), tensor([1, 2]), tensor([3, 4])), /where: expected a bool tensor, got float32/);
});

test("cast converts dtypes (truncating toward zero)", () => {
  assert.deepEqual(cast(tensor([1.7, -1.7, 0]), "int32").toArray(), [1, -1, 0]);
  assert.deepEqual(cast(tensor([1.7, 0]), "bool").toArray(), [true, false]);
  assert.throws(() => cast(tensor([1]), "float64" as never), /cast: unknown dtype 'float64'/);
});
