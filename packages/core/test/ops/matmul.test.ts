import assert from "node:assert/strict";
import { test } from "node:test";
import { matMul, mul, sum, type Tensor, tensor, valueAndGrad } from "../../src/index.js";
import { golden, goldenData, goldenTensor } from "../helpers/golden.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

test("matMul computes a matrix product", () => {
  assert.deepEqual(
    matMul(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([[5], [6]]),
    ).toArray(),
    [[17], [39]],
  );
});

test("inner-dimension mismatch names both shapes", () => {
  assert.throws(() => matMul(rand([2, 3], 1), rand([4, 5], 2)), /matMul: inner dimensions differ: \[2,3\] x \[4,5\]/);
  assert.throws(() => matMul(rand([3], 1), rand([3, 2], 2)), /matMul: inputs must have rank >= 2/);
});

test("gradients with transposes and broadcast batch dimensions", () => {
  checkGrad((a, b) => matMul(a, b), [rand([3, 4], 1), rand([4, 5], 2)]);
  checkGrad((a, b) => matMul(a, b, { transposeA: true }), [rand([4, 3], 3), rand([4, 5], 4)]);
  checkGrad((a, b) => matMul(a, b, { transposeB: true }), [rand([3, 4], 5), rand([5, 4], 6)]);
  checkGrad((a, b) => matMul(a, b, { transposeA: true, transposeB: true }), [rand([4, 3], 7), rand([5, 4], 8)]);
  checkGrad((a, b) => matMul(a, b), [rand([2, 3, 4], 9), rand([4, 5], 10)]);
  checkGrad((a, b) => matMul(a, b), [rand([2, 1, 3, 4], 11), rand([3, 4, 2], 12)]);
});

test("a large product is exact against a naive loop (blocked kernel edges)", () => {
  const a = rand([67, 130], 13),
    b = rand([130, 45], 14);
  const y = matMul(a, b).data();
  const want = new Float64Array(67 * 45);
  for (let i = 0; i < 67; i++) for (let k = 0; k < 130; k++) for (let j = 0; j < 45; j++) want[i * 45 + j] += a.values[i * 130 + k] * b.values[k * 45 + j];
  assertClose(y, want, 1e-4, 1e-4);
});

for (const name of ["matmul_plain", "matmul_tA", "matmul_tB", "matmul_batch_broadcast"]) {
  test(`matMul matches PyTorch: ${name}`, () => {
    const c = golden(name);
    const opts = { transposeA: c.transposeA as boolean, transposeB: c.transposeB as boolean };
    const { value, grads } = valueAndGrad(([a, b]: Tensor[]) => sum(mul(matMul(a, b, opts), goldenTensor(c, "dy"))))([
      goldenTensor(c, "a"),
      goldenTensor(c, "b"),
    ]);
    assertClose(matMul(goldenTensor(c, "a"), goldenTensor(c, "b"), opts).data(), goldenData(c, "y"), 1e-5, 1e-5);
    assertClose(grads[0].data(), goldenData(c, "da"), 1e-5, 1e-5);
    assertClose(grads[1].data(), goldenData(c, "db"), 1e-5, 1e-5);
    assert.ok(Number.isFinite(value.item()));
  });
}
