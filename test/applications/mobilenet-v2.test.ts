import assert from "node:assert/strict";
import { test } from "node:test";
import { preprocessInput } from "../../src/applications/mobilenet-v2.js";
import { MobileNetV2, randomUniform, type Tensor } from "../../src/index.js";

test("MobileNetV2 has Keras's parameter counts, names and output shapes", async () => {
  const model = await MobileNetV2({ weights: null });
  assert.equal(model.countParams(), 3538984);
  assert.equal(model.name, "mobilenetv2_1.00_224");
  for (const name of [
    "Conv1",
    "bn_Conv1",
    "Conv1_relu",
    "expanded_conv_depthwise",
    "block_1_expand",
    "block_16_project_BN",
    "Conv_1",
    "out_relu",
    "predictions",
  ])
    assert.ok(model.getLayer(name), name);
  assert.equal(model.getLayer("block_1_depthwise").className, "DepthwiseConv2D");
  const base = await MobileNetV2({ weights: null, includeTop: false, inputShape: [96, 96, 3] });
  assert.equal(base.countParams(), 2257984);
  assert.equal(base.name, "mobilenetv2_1.00_96");
  assert.deepEqual(base.outputs[0].shape, [null, 3, 3, 1280]);
  const y = base.predict(preprocessInput(randomUniform([1, 96, 96, 3], 0, 255, { seed: 3 }))) as Tensor;
  assert.ok(
    y.floats().every((v) => v >= 0 && v <= 6),
    "relu6 output",
  );
});

test("MobileNetV2's preprocessInput scales to [-1, 1]", () => {
  const y = preprocessInput(randomUniform([1, 2, 2, 3], 0, 255, { seed: 4 }));
  assert.ok(y.floats().every((v) => v >= -1 && v <= 1));
});
