import assert from "node:assert/strict";
import { test } from "node:test";
import { avgPool2d, maxPool2d, mul, sum, tensor, valueAndGrad } from "../../src/index.js";
import { golden, goldenData, goldenTensor } from "../helpers/golden.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

test("max and average pooling values", () => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
  assert.deepEqual(maxPool2d(x).data(), Float32Array.from([6, 8, 14, 16]));
  assert.deepEqual(avgPool2d(x).data(), Float32Array.from([3.5, 5.5, 11.5, 13.5]));
  // MNIST CNN: 26x26 -> 13x13, 11x11 -> 5x5 (floor)
  assert.deepEqual(maxPool2d(rand([1, 11, 11, 2], 1), { poolSize: 2 }).shape, [1, 5, 5, 2]);
});

test("gradient checks for pooling with each padding and stride", () => {
  const x = rand([2, 5, 6, 3], 3);
  for (const padding of ["valid", "same"] as const) {
    for (const [poolSize, strides] of [
      [2, 2],
      [3, 1],
      [3, 2],
    ] as const) {
      checkGrad((t) => maxPool2d(t, { poolSize, strides, padding }), [x], { eps: 1e-3 });
      checkGrad((t) => avgPool2d(t, { poolSize, strides, padding }), [x]);
    }
  }
});

for (const [name, f] of [
  ["maxpool_valid_2", maxPool2d],
  ["maxpool_same_3s2", maxPool2d],
  ["avgpool_valid_2", avgPool2d],
  ["avgpool_same_3s2", avgPool2d],
] as const) {
  test(`pooling matches PyTorch: ${name}`, () => {
    const c = golden(name);
    const opts = { poolSize: c.poolSize as number, strides: c.strides as number, padding: c.padding as "valid" | "same" };
    const x = goldenTensor(c, "x");
    const { grads } = valueAndGrad((t: typeof x) => sum(mul(f(t, opts), goldenTensor(c, "dy"))))(x);
    assertClose(f(x, opts).data(), goldenData(c, "y"), 1e-5, 1e-6, "y");
    assertClose(grads.data(), goldenData(c, "dx"), 1e-5, 1e-6, "dx");
  });
}

test("pooling errors name the op", () => {
  assert.throws(() => maxPool2d(rand([4, 4, 1], 1)), /maxPool2d: expected input of rank 4/);
  assert.throws(() => avgPool2d(rand([1, 1, 1, 1], 1), { poolSize: 2 }), /avgPool2d: a 2x2 window does not fit input \[1,1,1,1\]/);
});
