import assert from "node:assert/strict";
import { test } from "node:test";
import { BatchNormalization, Conv2D, clearSession, Dense, MaxPooling2D, tensor } from "../../src/index.js";
import { snakeCase, uniqueName } from "../../src/layers/layer.js";

test("automatic names follow Keras", () => {
  clearSession();
  assert.equal(snakeCase("Conv2D"), "conv2d");
  assert.equal(snakeCase("MaxPooling2D"), "max_pooling2d");
  assert.equal(snakeCase("GlobalAveragePooling2D"), "global_average_pooling2d");
  assert.equal(snakeCase("BatchNormalization"), "batch_normalization");
  assert.equal(snakeCase("LeakyReLU"), "leaky_re_lu");
  assert.equal(snakeCase("SimpleRNN"), "simple_rnn");
  assert.equal(new Conv2D({ filters: 1, kernelSize: 1 }).name, "conv2d");
  assert.equal(new Conv2D({ filters: 1, kernelSize: 1 }).name, "conv2d_1");
  assert.equal(new MaxPooling2D().name, "max_pooling2d");
  assert.equal(new BatchNormalization().name, "batch_normalization");
  assert.equal(uniqueName("input", true), "input_1");
});

test("getWeights/setWeights copy values and check shapes; trainable moves weights", () => {
  const d = new Dense({ units: 2, name: "d" });
  d.apply(tensor([[1, 2, 3]]));
  const w = d.getWeights();
  assert.deepEqual(
    w.map((t) => t.shape),
    [[3, 2], [2]],
  );
  d.setWeights([
    tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]),
    tensor([0.5, 0.5]),
  ]);
  assert.deepEqual((d.apply(tensor([[1, 2, 3]])) as ReturnType<typeof tensor>).toArray(), [[4.5, 5.5]]);
  assert.throws(() => d.setWeights([tensor([1])]), /Dense 'd'.setWeights: expected 2 arrays, got 1/);
  d.trainable = false;
  assert.equal(d.trainableWeights.length, 0);
  assert.equal(d.nonTrainableWeights.length, 2);
});
