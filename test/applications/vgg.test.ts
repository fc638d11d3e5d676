import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { writeLegacyWeights } from "../../packages/node/test/helpers/keras-h5.js";
import { preprocessInput } from "../../src/applications/vgg.js";
import { clearSession, MobileNetV2, type Model, randomNormal, randomUniform, type Tensor, VGG16, VGG19 } from "../../src/index.js";

const sameOutputs = (a: Model, b: Model, x: Tensor) =>
  assert.deepEqual(Array.from((a.predict(x) as Tensor).floats()), Array.from((b.predict(x) as Tensor).floats()));

test("VGG16 and VGG19 have Keras's parameter counts, layer names and shapes", async () => {
  clearSession();
  const vgg16 = await VGG16({ weights: null });
  assert.equal(vgg16.countParams(), 138357544);
  assert.equal(vgg16.name, "vgg16");
  const named = vgg16.layers.filter((l) => l.className !== "InputLayer").map((l) => l.name);
  assert.deepEqual(named.slice(0, 4), ["block1_conv1", "block1_conv2", "block1_pool", "block2_conv1"]);
  assert.deepEqual(named.slice(-4), ["flatten", "fc1", "fc2", "predictions"]);
  assert.equal((await VGG16({ weights: null, includeTop: false })).countParams(), 14714688);
  assert.equal((await VGG19({ weights: null })).countParams(), 143667240);
  const base19 = await VGG19({ weights: null, includeTop: false, inputShape: [150, 150, 3] });
  assert.equal(base19.countParams(), 20024384);
  assert.deepEqual(base19.outputs[0].shape, [null, 4, 4, 512]);
  assert.ok(base19.getLayer("block5_conv4"));
});

test("VGG16 options: pooling, classes, and the rules of the ImageNet top", async () => {
  const pooled = await VGG16({ weights: null, includeTop: false, inputShape: [64, 48, 3], pooling: "avg" });
  assert.deepEqual(pooled.outputs[0].shape, [null, 512]);
  const x = randomUniform([2, 64, 48, 3], 0, 255, { seed: 1 });
  assert.deepEqual((pooled.predict(x) as Tensor).shape, [2, 512]);
  assert.deepEqual((await VGG16({ weights: null, includeTop: false, inputShape: [32, 32, 3], pooling: "max" })).outputs[0].shape, [null, 512]);
  const ten = await VGG16({ weights: null, classes: 10, inputShape: [32, 32, 3] });
  assert.deepEqual(ten.outputs[0].shape, [null, 10]);
  await assert.rejects(VGG16({ classes: 10 }), /VGG16: with weights 'imagenet' and includeTop, classes must be 1000 \(got 10\)/);
  await assert.rejects(VGG16({ inputShape: [150, 150, 3] }), /the ImageNet top needs inputShape \[224, 224, 3\], got \[150, 150, 3\]/);
  await assert.rejects(VGG16({ weights: null, includeTop: false, inputShape: [16, 16, 3] }), /at least 32, got \[16, 16, 3\]/);
  await assert.rejects(VGG16({ weights: null, includeTop: false, inputShape: [64, 64, 1] }), /must be \[height, width, 3\]/);
});

test("VGG's preprocessInput is Caffe's: BGR minus the ImageNet means", () => {
  const y = preprocessInput(randomUniform([1, 1, 1, 3], 0, 0, { seed: 1 }));
  assert.deepEqual(
    Array.from(y.floats()).map((v) => Number(v.toFixed(3))),
    [-103.939, -116.779, -123.68],
  );
});

test("VGG16 takes a keras.applications-layout .h5 (written here with random weights, as the real one cannot be downloaded)", async () => {
  const dir = tempDir();
  const source = await VGG16({ weights: null, includeTop: false, inputShape: [32, 32, 3] });
  const file = join(dir, "vgg16_notop.h5");
  await writeLegacyWeights(source, file);
  const loaded = await VGG16({ weights: file, includeTop: false, inputShape: [32, 32, 3] });
  assert.deepEqual(
    Array.from(loaded.getLayer("block5_conv3").weights[0].floats().subarray(0, 8)),
    Array.from(source.getLayer("block5_conv3").weights[0].floats().subarray(0, 8)),
  );
  sameOutputs(source, loaded, randomNormal([1, 32, 32, 3], 100, 50, { seed: 1 }));
  // weights: "imagenet" reads the canonical file name from the data cache (MobileNetV2's has no published hash)
  process.env.KERNO_DATA_DIR = dir;
  mkdirSync(join(dir, "keras-applications"));
  const mobile = await MobileNetV2({ weights: null, includeTop: false, inputShape: [96, 96, 3] });
  await writeLegacyWeights(mobile, join(dir, "keras-applications/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5"));
  const cached = await MobileNetV2({ weights: "imagenet", includeTop: false, inputShape: [96, 96, 3] });
  sameOutputs(mobile, cached, randomNormal([1, 96, 96, 3], 0, 1, { seed: 2 }));
  // a cached VGG16 file whose md5 is not Keras's is a checksum error naming both hashes
  writeFileSync(join(dir, "keras-applications/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"), "not the weights");
  await assert.rejects(VGG16({ includeTop: false }), /checksum mismatch \(md5 [0-9a-f]{32}, expected 6d6bbae143d832006294945121d1f1fc\)/);
});
