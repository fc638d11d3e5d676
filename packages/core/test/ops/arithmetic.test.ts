import assert from "node:assert/strict";
import { test } from "node:test";
import { add, div, maximum, minimum, mul, neg, pow, sub, tensor } from "../../src/index.js";
import { checkGrad, rand } from "../helpers/gradcheck.js";

test("add broadcasts by NumPy's rules", () => {
  const y = add(
    tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]),
    tensor([10, 20, 30]),
  );
  assert.deepEqual(y.toArray(), [
    [11, 22, 33],
    [14, 25, 36],
  ]);
  assert.deepEqual(add(tensor([[1], [2]]), tensor([10, 20])).toArray(), [
    [11, 21],
    [12, 22],
  ]);
  assert.deepEqual(add(2, tensor([1, 2])).toArray(), [3, 4]);
});

test("int32 arithmetic stays int32; bool arithmetic and mixed dtypes are errors", () => {
  const y = mul(tensor([1, 2, 3], undefined, "int32"), 2);
  assert.equal(y.dtype, "int32");
  assert.deepEqual(y.toArray(), [2, 4, 6]);
  assert.throws(() => add(tensor([1]), tensor([1], undefined, "int32")), /add: dtypes differ: float32 and int32/);
  assert.throws(() => add(tensor([true]), tensor([false])), /bool tensors do not support arithmetic/);
});

test("incompatible shapes name the op and both shapes", () => {
  assert.throws(() => add(tensor([1, 2, 3]), tensor([1, 2])), /add: shapes \[3\] and \[2\] cannot be broadcast together/);
});

test("gradients of binary ops, including broadcast operands", () => {
  const a = rand([3, 4], 1),
    b = rand([4], 2),
    c = rand([3, 1], 3);
  checkGrad(add, [a, b]);
  checkGrad(sub, [a, c]);
  checkGrad(mul, [a, b]);
  checkGrad(div, [a, rand([3, 4], 4, 0.5, 2)]);
  checkGrad(pow, [rand([3, 4], 5, 0.5, 2), rand([3, 4], 6, -2, 2)]);
  checkGrad(maximum, [a, rand([3, 4], 7)]);
  checkGrad(minimum, [a, b]);
  checkGrad(neg, [a]);
});

test("maximum and minimum propagate NaN", () => {
  assert.ok(Number.isNaN(maximum(tensor([NaN]), tensor([1])).item()));
  assert.ok(Number.isNaN(minimum(tensor([1]), tensor([NaN])).item()));
});
