import assert from "node:assert/strict";
import { test } from "node:test";
import { mul, resizeBilinear, resizeNearest, sum, tensor, valueAndGrad } from "../../src/index.js";
import { golden, goldenData, goldenTensor } from "../helpers/golden.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

test("resizing to the same size is the identity; align corners keeps the corners", () => {
  const x = rand([1, 3, 4, 2], 1);
  assertClose(resizeBilinear(x, [3, 4]).data(), x.data());
  assertClose(resizeNearest(x, [3, 4]).data(), x.data());
  const y = resizeBilinear(tensor([0, 1], [1, 1, 2, 1]), [1, 3], { alignCorners: true });
  assertClose(y.data(), [0, 0.5, 1]);
});

test("gradients of resizing", () => {
  const x = rand([2, 3, 4, 2], 2);
  checkGrad((t) => resizeBilinear(t, [5, 7]), [x]);
  checkGrad((t) => resizeBilinear(t, [2, 3]), [x]);
  checkGrad((t) => resizeBilinear(t, [5, 7], { alignCorners: true }), [x]);
  checkGrad((t) => resizeNearest(t, [6, 3]), [x]);
});

for (const [name, f] of [
  ["resize_bilinear_up", resizeBilinear],
  ["resize_bilinear_down", resizeBilinear],
  ["resize_nearest_up", resizeNearest],
] as const) {
  test(`resize matches PyTorch: ${name}`, () => {
    const c = golden(name);
    const size = c.size as [number, number];
    const x = goldenTensor(c, "x");
    const { grads } = valueAndGrad((t: typeof x) => sum(mul(f(t, size), goldenTensor(c, "dy"))))(x);
    assertClose(f(x, size).data(), goldenData(c, "y"), 1e-5, 1e-5, "y");
    assertClose(grads.data(), goldenData(c, "dx"), 1e-5, 1e-5, "dx");
  });
}

test("bad sizes are errors", () => {
  assert.throws(() => resizeBilinear(rand([1, 2, 2, 1], 1), [0, 2]), /resizeBilinear: size must be two positive integers/);
});
