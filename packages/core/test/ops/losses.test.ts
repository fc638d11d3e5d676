import assert from "node:assert/strict";
import { test } from "node:test";
import {
  mul,
  sigmoidCrossEntropyWithLogits,
  softmaxCrossEntropyWithLogits,
  sparseSoftmaxCrossEntropyWithLogits,
  sum,
  Tensor,
  tensor,
  valueAndGrad,
} from "../../src/index.js";
import { golden, goldenData, goldenTensor } from "../helpers/golden.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

function labelsOf(c: Record<string, unknown>): Tensor {
  const l = c.labels as number[];
  return new Tensor(Int32Array.from(l), [l.length], "int32");
}

test("cross-entropy cores match PyTorch, value and gradient", () => {
  const cases = [
    ["sparse_softmax_ce", (c: Record<string, unknown>, x: Tensor) => sparseSoftmaxCrossEntropyWithLogits(labelsOf(c), x)],
    ["softmax_ce", (c: Record<string, unknown>, x: Tensor) => softmaxCrossEntropyWithLogits(goldenTensor(c, "labels"), x)],
    ["sigmoid_ce", (c: Record<string, unknown>, x: Tensor) => sigmoidCrossEntropyWithLogits(goldenTensor(c, "labels"), x)],
  ] as const;
  for (const [name, f] of cases) {
    const c = golden(name);
    const logits = goldenTensor(c, "logits");
    const { grads } = valueAndGrad((x: Tensor) => sum(mul(f(c, x), goldenTensor(c, "dy"))))(logits);
    assertClose(f(c, logits).data(), goldenData(c, "y"), 1e-5, 1e-5, `${name} y`);
    assertClose(grads.data(), goldenData(c, "dlogits"), 1e-5, 1e-5, `${name} dlogits`);
  }
});

test("gradient checks of the fused cores", () => {
  const labels = tensor([
    [0.2, 0.8, 0],
    [1, 0, 0],
  ]);
  checkGrad((x) => softmaxCrossEntropyWithLogits(labels, x), [rand([2, 3], 1, -3, 3)]);
  checkGrad((x) => sparseSoftmaxCrossEntropyWithLogits(tensor([2, 0], undefined, "int32"), x), [rand([2, 3], 2, -3, 3)]);
  checkGrad((x) => sigmoidCrossEntropyWithLogits(tensor([[0, 1, 0.3]]), x), [rand([1, 3], 3, -5, 5)]);
});

test("stable for extreme logits", () => {
  const y = sigmoidCrossEntropyWithLogits(tensor([1, 0]), tensor([-1000, 1000]));
  assertClose(y.data(), [1000, 1000]);
  const z = sparseSoftmaxCrossEntropyWithLogits(tensor([0], undefined, "int32"), tensor([[1000, -1000]]));
  assertClose(z.data(), [0]);
});

test("labels outside the class range and mismatched shapes are errors", () => {
  assert.throws(() => sparseSoftmaxCrossEntropyWithLogits(tensor([3], undefined, "int32"), rand([1, 3], 1)), /label 3 at row 0 is outside \[0, 3\)/);
  assert.throws(() => sparseSoftmaxCrossEntropyWithLogits(tensor([1]), rand([1, 3], 1)), /labels must be int32, got float32/);
  assert.throws(() => softmaxCrossEntropyWithLogits(rand([2, 4], 1), rand([2, 3], 1)), /labels \[2,4\] and logits \[2,3\] must have the same shape/);
  assert.throws(() => sigmoidCrossEntropyWithLogits(rand([3], 1), rand([2], 1)), /labels \[3\] and logits \[2\] must have the same shape/);
  assert.throws(
    () => sparseSoftmaxCrossEntropyWithLogits(tensor([0, 1], undefined, "int32"), rand([3, 2], 1)),
    /labels \[2\] must have the shape of logits \[3,2\] without its last axis/,
  );
  assert.equal(
    sum(sparseSoftmaxCrossEntropyWithLogits(tensor([1], undefined, "int32"), tensor([[0, 0]])))
      .item()
      .toFixed(4),
    Math.log(2).toFixed(4),
  );
});
