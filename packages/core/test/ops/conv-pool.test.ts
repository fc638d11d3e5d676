import assert from "node:assert/strict";
import { test } from "node:test";
import { conv2d, conv2dMaxPool, maxPool2d, randomNormal, sum, type Tensor, valueAndGrad } from "../../src/index.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

const x = randomNormal([2, 12, 11, 3], 0, 1, { seed: 1 }),
  w = randomNormal([3, 3, 3, 8], 0, 0.5, { seed: 2 }),
  b = randomNormal([8], 0, 0.5, { seed: 3 });

test("conv2dMaxPool equals maxPool2d(conv2d(...)) for each activation, padding and pool", () => {
  for (const activation of ["linear", "relu", "sigmoid", "tanh"] as const)
    for (const padding of ["valid", "same"] as const)
      for (const pool of [{ poolSize: 2 }, { poolSize: 3, strides: 2, padding: "same" as const }, { poolSize: [2, 3] as const, strides: 1 }]) {
        const conv = { bias: b, activation, padding, strides: padding === "same" ? 2 : 1 };
        const got = conv2dMaxPool(x, w, conv, pool);
        const want = maxPool2d(conv2d(x, w, conv), pool);
        assert.deepEqual(got.shape, want.shape);
        assertClose(got.floats(), want.floats(), 1e-5, 1e-5, `${activation} ${padding} ${JSON.stringify(pool)}`);
      }
});

test("conv2dMaxPool under a tape is the two ops, with their gradients", () => {
  const f = (fused: boolean) =>
    valueAndGrad((p: Tensor[]) => {
      const conv = { bias: p[2], activation: "relu" as const };
      return sum(fused ? conv2dMaxPool(p[0], p[1], conv) : maxPool2d(conv2d(p[0], p[1], conv)));
    })([x, w, b]);
  const got = f(true),
    want = f(false);
  assertClose(got.value.floats(), want.value.floats(), 1e-6, 1e-6, "value");
  for (let i = 0; i < 3; i++) assertClose(got.grads[i].floats(), want.grads[i].floats(), 1e-6, 1e-6, `gradient ${i}`);
});

test("gradient check for conv2dMaxPool (its values without a tape, its gradients under one)", () => {
  const f = (xt: Tensor, wt: Tensor, bt: Tensor) => conv2dMaxPool(xt, wt, { bias: bt, activation: "tanh" }, { poolSize: 2 });
  checkGrad(f, [rand([1, 6, 5, 2], 1), rand([3, 3, 2, 3], 2), rand([3], 3)], { eps: 1e-3 });
});

test("conv2dMaxPool's errors name the op and the shapes", () => {
  assert.throws(() => conv2dMaxPool(randomNormal([12, 11, 3]), w), /conv2d: expected input of rank 4/);
  assert.throws(() => conv2dMaxPool(x, w, { bias: randomNormal([3]) }), /conv2d: bias must be \[8\]/);
  assert.throws(() => conv2dMaxPool(x, w, {}, { poolSize: 11 }), /conv2dMaxPool: a 11x11 window does not fit input \[2,10,9,8\]/);
});
