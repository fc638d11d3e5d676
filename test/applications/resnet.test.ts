import assert from "node:assert/strict";
import { test } from "node:test";
import { ResNet50, randomUniform, type Tensor } from "../../src/index.js";

test("ResNet50 has Keras's parameter counts and layer names", async () => {
  const model = await ResNet50({ weights: null });
  assert.equal(model.countParams(), 25636712);
  assert.equal(model.name, "resnet50");
  for (const name of ["conv1_pad", "conv1_conv", "conv1_bn", "pool1_pool", "conv2_block1_0_conv", "conv5_block3_out", "avg_pool", "predictions"])
    assert.ok(model.getLayer(name), name);
  assert.equal(model.getLayer("conv2_block1_0_bn").className, "BatchNormalization");
  const base = await ResNet50({ weights: null, includeTop: false, inputShape: [64, 64, 3] });
  assert.equal(base.countParams(), 23587712);
  assert.deepEqual(base.outputs[0].shape, [null, 2, 2, 2048]);
});

test("ResNet50 without its top runs, pooled to a vector", async () => {
  const model = await ResNet50({ weights: null, includeTop: false, inputShape: [32, 32, 3], pooling: "avg" });
  const y = model.predict(randomUniform([2, 32, 32, 3], 0, 255, { seed: 2 })) as Tensor;
  assert.deepEqual(y.shape, [2, 2048]);
  assert.ok(y.floats().every(Number.isFinite));
});
