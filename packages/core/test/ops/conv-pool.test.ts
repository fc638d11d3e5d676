import assert from "node:assert/strict";
import { test } from "node:test";
import { conv2d, conv2dMaxPool, maxPool2d, randomNormal, square, sum, type Tensor, valueAndGrad } from "../../src/index.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";
import { countKernelCalls } from "../helpers/kernel-calls.js";

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

test("conv2dMaxPool under a tape: one node with the two ops' values and gradients, for each activation and pool, with and without a bias", () => {
  const reluPoolGrad = countKernelCalls("maxPool2dReluGrad");
  const pools = [{ poolSize: 2 }, { poolSize: 3, strides: 2, padding: "same" as const }];
  let reluRuns = 0;
  for (const activation of ["relu", "linear", "tanh"] as const)
    for (const pool of pools)
      for (const withBias of [true, false]) {
        const f = (fused: boolean) =>
          valueAndGrad((p: Tensor[]) => {
            const conv = { bias: withBias ? p[2] : undefined, activation };
            return sum(square(fused ? conv2dMaxPool(p[0], p[1], conv, pool) : maxPool2d(conv2d(p[0], p[1], conv), pool)));
          })([x, w, b]);
        const before = reluPoolGrad.count;
        const got = f(true);
        if (activation === "relu") reluRuns++;
        assert.equal(reluPoolGrad.count - before, activation === "relu" ? 1 : 0, "the relu's gradient in the pool's pass");
        const want = f(false);
        const what = `${activation} ${JSON.stringify(pool)}${withBias ? " bias" : ""}`;
        assertClose(got.value.floats(), want.value.floats(), 1e-5, 1e-5, `${what} value`);
        for (let i = 0; i < (withBias ? 3 : 2); i++) assertClose(got.grads[i].floats(), want.grads[i].floats(), 1e-5, 1e-5, `${what} gradient ${i}`);
      }
  assert.equal(reluPoolGrad.count, reluRuns);
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
