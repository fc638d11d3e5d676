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
  const calls = Object.fromEntries(
    (["conv2d", "conv2dMaxPoolArgmax", "maxPool2dArgmaxGrad", "maxPool2dReluGrad"] as const).map((k) => [k, countKernelCalls(k)]),
  );
  const counts = () => Object.fromEntries(Object.entries(calls).map(([k, c]) => [k, c.count]));
  const pools = [{ poolSize: 2 }, { poolSize: 3, strides: 2, padding: "same" as const }];
  for (const activation of ["relu", "linear", "tanh"] as const)
    for (const pool of pools)
      for (const withBias of [true, false]) {
        const f = (fused: boolean) =>
          valueAndGrad((p: Tensor[]) => {
            const conv = { bias: withBias ? p[2] : undefined, activation };
            return sum(square(fused ? conv2dMaxPool(p[0], p[1], conv, pool) : maxPool2d(conv2d(p[0], p[1], conv), pool)));
          })([x, w, b]);
        const before = counts();
        const got = f(true);
        const after = counts();
        // the convolution's full-size output is neither computed alone nor kept: the pooled values
        // and their argmax carry the step
        assert.deepEqual(
          Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]])),
          { conv2d: 0, conv2dMaxPoolArgmax: 1, maxPool2dArgmaxGrad: 1, maxPool2dReluGrad: 0 },
          "kernels of one fused step",
        );
        const want = f(false);
        const what = `${activation} ${JSON.stringify(pool)}${withBias ? " bias" : ""}`;
        assertClose(got.value.floats(), want.value.floats(), 1e-5, 1e-5, `${what} value`);
        for (let i = 0; i < (withBias ? 3 : 2); i++) assertClose(got.grads[i].floats(), want.grads[i].floats(), 1e-5, 1e-5, `${what} gradient ${i}`);
      }
});

test("conv2dMaxPool under a tape with windows of over 255 cells (too many for a byte's argmax): the convolution and pool kernels, the same gradients", () => {
  const big = randomNormal([1, 18, 18, 2], 0, 1, { seed: 4 }),
    wb = randomNormal([3, 3, 2, 4], 0, 0.5, { seed: 5 });
  const reluPoolGrad = countKernelCalls("maxPool2dReluGrad");
  const f = (fused: boolean) =>
    valueAndGrad((p: Tensor[]) => {
      const conv = { bias: p[2], activation: "relu" as const };
      return sum(square(fused ? conv2dMaxPool(p[0], p[1], conv, { poolSize: 16 }) : maxPool2d(conv2d(p[0], p[1], conv), { poolSize: 16 })));
    })([big, wb, randomNormal([4], 0, 0.5, { seed: 6 })]);
  const got = f(true);
  assert.equal(reluPoolGrad.count, 1, "the relu's gradient in the pool's pass");
  const want = f(false);
  assertClose(got.value.floats(), want.value.floats(), 1e-5, 1e-5, "value");
  for (let i = 0; i < 3; i++) assertClose(got.grads[i].floats(), want.grads[i].floats(), 1e-5, 1e-5, `gradient ${i}`);
});

test("conv2dMaxPool under a tape with a convolution output of over 16 MiB: the backward pass goes through the batch in slices, the same gradients", () => {
  // [4, 130, 130, 128] floats: 34.6 MB, two slices of two images
  const xs = randomNormal([4, 132, 132, 1], 0, 1, { seed: 7 }),
    ws = randomNormal([3, 3, 1, 128], 0, 0.5, { seed: 8 }),
    bs = randomNormal([128], 0, 0.5, { seed: 9 });
  const routed = countKernelCalls("maxPool2dArgmaxGrad");
  for (const withBias of [true, false]) {
    const f = (fused: boolean) =>
      valueAndGrad((p: Tensor[]) => {
        const conv = { bias: withBias ? p[2] : undefined, activation: "relu" as const };
        return sum(square(fused ? conv2dMaxPool(p[0], p[1], conv, { poolSize: 2 }) : maxPool2d(conv2d(p[0], p[1], conv), { poolSize: 2 })));
      })([xs, ws, bs]);
    routed.reset();
    const got = f(true);
    assert.equal(routed.count, 2, "one routing per slice");
    const want = f(false);
    assertClose(got.value.floats(), want.value.floats(), 1e-5, 1e-5, "value");
    // sums over 67,600 positions in another order (slices, and the kernels each way picks)
    for (let i = 0; i < (withBias ? 3 : 2); i++)
      assertClose(got.grads[i].floats(), want.grads[i].floats(), 2e-3, 2e-3, `gradient ${i}${withBias ? " (bias)" : ""}`);
  }
});

test("conv2dMaxPool under a tape with its input not watched (a first layer), whole and in slices: the kernel's and bias's gradients, no input gradient", () => {
  const big = randomNormal([4, 132, 132, 1], 0, 1, { seed: 10 }),
    wb = randomNormal([3, 3, 1, 128], 0, 0.5, { seed: 11 }),
    bb = randomNormal([128], 0, 0.5, { seed: 12 });
  const backInput = countKernelCalls("conv2dBackpropInput");
  for (const [input, kernel, bias] of [
    [x, w, b],
    [big, wb, bb],
  ]) {
    const f = (fused: boolean) =>
      valueAndGrad((p: Tensor[]) => {
        const conv = { bias: p[1], activation: "relu" as const };
        return sum(square(fused ? conv2dMaxPool(input, p[0], conv, { poolSize: 2 }) : maxPool2d(conv2d(input, p[0], conv), { poolSize: 2 })));
      })([kernel, bias]);
    backInput.reset();
    const got = f(true);
    assert.equal(backInput.count, 0, "no input gradient");
    const want = f(false);
    for (let i = 0; i < 2; i++) assertClose(got.grads[i].floats(), want.grads[i].floats(), 2e-3, 2e-3, `${input.shape} gradient ${i}`);
  }
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
