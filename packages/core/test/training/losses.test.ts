import assert from "node:assert/strict";
import { test } from "node:test";
import { sigmoid, softmax, tensor } from "../../src/index.js";
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  getLoss,
  huber,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from "../../src/training/losses.js";
import { assertClose } from "../helpers/gradcheck.js";

test("regression losses per sample", () => {
  const t = tensor([
      [0, 1],
      [2, 2],
    ]),
    p = tensor([
      [1, 1],
      [2, 5],
    ]);
  assertClose(meanSquaredError().perSample(t, p).data(), [0.5, 4.5]);
  assertClose(meanAbsoluteError().perSample(t, p).data(), [0.5, 1.5]);
  assertClose(huber(1).perSample(t, p).data(), [0.25, 1.25]);
  assert.throws(() => meanSquaredError().perSample(tensor([1, 2, 3]), tensor([[1, 2]])), /targets \[3\] and predictions \[1,2\] do not match/);
});

test("cross-entropies agree on probabilities and on logits", () => {
  const logits = tensor([
    [2, -1, 0.5],
    [0, 3, -2],
  ]);
  const probs = softmax(logits);
  const labels = tensor([0, 1], undefined, "int32");
  const want = [-Math.log(probs.data()[0]), -Math.log(probs.data()[4])];
  assertClose(sparseCategoricalCrossentropy().perSample(labels, probs).data(), want, 1e-5);
  assertClose(sparseCategoricalCrossentropy({ fromLogits: true }).perSample(labels, logits).data(), want, 1e-5);
  const onehot = tensor([
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assertClose(categoricalCrossentropy().perSample(onehot, probs).data(), want, 1e-5);
  const z = tensor([[-30], [0.3]]),
    y = tensor([[1], [0]]);
  const exact = [30, Math.log1p(Math.exp(0.3))];
  assertClose(binaryCrossentropy({ fromLogits: true }).perSample(y, z).data(), exact, 1e-4);
  assertClose(
    binaryCrossentropy()
      .perSample(tensor([[0]]), sigmoid(tensor([[0.3]])))
      .data(),
    [Math.log1p(Math.exp(0.3))],
    1e-5,
  );
});

test("loss names and mismatches", () => {
  assert.equal(getLoss("mse").name, "mean_squared_error");
  assert.equal(getLoss("sparse_categorical_crossentropy").kind, "sparse");
  assert.throws(
    () =>
      categoricalCrossentropy().perSample(
        tensor([1, 2], undefined, "int32"),
        tensor([
          [0.5, 0.5],
          [0.1, 0.9],
        ]),
      ),
    /integer labels use sparse_categorical_crossentropy/,
  );
});
