import assert from "node:assert/strict";
import { test } from "node:test";
import { abs, clip, erf, exp, log, log1p, reciprocal, rsqrt, sign, sqrt, square, tensor } from "../../src/index.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

test("elementwise values", () => {
  assertClose(square(tensor([-2, 3])).data(), [4, 9]);
  assertClose(sqrt(tensor([4, 9])).data(), [2, 3]);
  assertClose(rsqrt(tensor([4])).data(), [0.5]);
  assertClose(exp(tensor([0, 1])).data(), [1, Math.E]);
  assertClose(log(tensor([1, Math.E])).data(), [0, 1]);
  assertClose(log1p(tensor([1e-8])).data(), [1e-8], 1e-4, 0);
  assertClose(abs(tensor([-2, 3])).data(), [2, 3]);
  assertClose(sign(tensor([-2, 0, 3])).data(), [-1, 0, 1]);
  assertClose(reciprocal(tensor([4])).data(), [0.25]);
  assertClose(erf(tensor([0, 0.5, -1, 3])).data(), [0, 0.5204998778, -0.8427007929, 0.9999779095], 1e-6, 2e-7);
  assertClose(clip(tensor([-2, 0.5, 3]), -1, 1).data(), [-1, 0.5, 1]);
});

test("gradients of elementwise math", () => {
  const x = rand([2, 5], 1);
  const pos = rand([2, 5], 2, 0.5, 3);
  checkGrad(square, [x]);
  checkGrad(sqrt, [pos]);
  checkGrad(rsqrt, [pos]);
  checkGrad(exp, [x]);
  checkGrad(log, [pos]);
  checkGrad(log1p, [pos]);
  checkGrad(abs, [x]);
  checkGrad(sign, [x]);
  checkGrad(reciprocal, [pos]);
  checkGrad(erf, [x]);
  checkGrad((t) => clip(t, -0.5, 0.5), [x]);
});

test("float math on an int32 tensor is a clear error", () => {
  assert.throws(() => exp(tensor([1], undefined, "int32")), /exp: input must be float32, got int32/);
  assert.throws(() => clip(tensor([1]), 2, 1), /clip: lower bound 2 is above upper bound 1/);
});
