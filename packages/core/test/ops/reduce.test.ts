import assert from "node:assert/strict";
import { test } from "node:test";
import { argmax, argmin, logSumExp, max, mean, min, sum, sumTo, tensor, variance } from "../../src/index.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

const x = tensor([
  [1, 5, 3],
  [4, 2, 6],
]);

test("reductions over axes with and without keepDims", () => {
  assert.equal(sum(x).item(), 21);
  assert.deepEqual(sum(x, 0).toArray(), [5, 7, 9]);
  assert.deepEqual(sum(x, 1, true).toArray(), [[9], [12]]);
  assert.deepEqual(mean(x, -1).toArray(), [3, 4]);
  assert.deepEqual(max(x, 1).toArray(), [5, 6]);
  assert.deepEqual(min(x, 0).toArray(), [1, 2, 3]);
  assert.deepEqual(argmax(x).toArray(), [1, 2]);
  assert.deepEqual(argmin(x, 0).toArray(), [0, 1, 0]);
  assert.equal(argmax(x).dtype, "int32");
  assertClose(variance(x, 1).data(), [8 / 3, 8 / 3]);
  assertClose(logSumExp(tensor([1000, 1000])).data(), [1000 + Math.log(2)]);
  assertClose(logSumExp(x, 1).data(), [Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3)), Math.log(Math.exp(4) + Math.exp(2) + Math.exp(6))], 1e-6);
});

test("reductions over non-adjacent axes", () => {
  const t = rand([2, 3, 4], 1);
  const s = sum(t, [0, 2]);
  const expect = [0, 0, 0];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expect[j] += t.values[(i * 3 + j) * 4 + k];
  assertClose(s.data(), expect, 1e-5);
});

test("gradients of every reduction over each axis", () => {
  const t = rand([2, 3, 4], 2);
  for (const axes of [undefined, 0, 1, 2, [0, 2], [1, 2]] as const) {
    for (const keep of [false, true]) {
      checkGrad((u) => sum(u, axes as never, keep), [t]);
      checkGrad((u) => mean(u, axes as never, keep), [t]);
      checkGrad((u) => max(u, axes as never, keep), [t], { eps: 1e-3 });
      checkGrad((u) => min(u, axes as never, keep), [t], { eps: 1e-3 });
      checkGrad((u) => variance(u, axes as never, keep), [t]);
      checkGrad((u) => logSumExp(u, axes as never, keep), [t]);
    }
  }
});

test("sumTo reduces a broadcast gradient to the operand's shape", () => {
  assert.deepEqual(
    sumTo(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      [2],
    ).toArray(),
    [4, 6],
  );
  assert.deepEqual(
    sumTo(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      [2, 1],
    ).toArray(),
    [[3], [7]],
  );
});

test("out-of-range axes are clear errors", () => {
  assert.throws(() => sum(x, 2), /sum: axis 2 is out of range for a tensor of rank 2/);
  assert.throws(() => argmax(x, -3), /argmax: axis -3 is out of range/);
  assert.throws(() => sum(x, 0.5), /axis 0.5 is out of range/);
});
