import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { dataPath, needsData } from "../../packages/node/test/helpers/data.js";
import { darknetToKeras, preprocessInput } from "../../src/applications/tiny-darknet.js";
import { div, loadImage, reshape, softmax, TinyDarknet, tensor } from "../../src/index.js";

const skip = needsData("Tiny Darknet", "imagenet-pretrained/tiny_darknet_tfjs/model.json");
const data = dataPath("imagenet-pretrained");
const expected = skip ? null : JSON.parse(readFileSync(join(data, "expected_predictions.json"), "utf8"));
const top5 = (p: Float32Array) =>
  Array.from(p.keys())
    .sort((a, b) => p[b] - p[a])
    .slice(0, 5);

test("TinyDarknet from the data cache: with its top, without it, or cut at another layer", { skip }, async () => {
  const full = await TinyDarknet();
  assert.equal(full.name, "tiny_darknet");
  assert.equal(full.countParams(), 1046488);
  assert.deepEqual(full.outputs[0].shape, [null, 1000]);
  const base = await TinyDarknet({ includeTop: false });
  assert.deepEqual(base.outputs[0].shape, [null, 14, 14, 128]);
  const early = await TinyDarknet({ includeTop: false, featureLayer: "max_pooling2d_2" });
  assert.equal(early.outputs[0].shape.length, 4);
  assert.ok(early.countParams() < base.countParams());
  await assert.rejects(TinyDarknet({ includeTop: false, featureLayer: "nope" }), /nope/);
});

test("darknetToKeras is a permutation of the 1,000 ImageNet classes; preprocessInput scales to [0, 1]", { skip }, () => {
  const map = darknetToKeras();
  assert.equal(map.length, 1000);
  assert.deepEqual(
    Array.from(map).sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.deepEqual(Array.from(preprocessInput(tensor([0, 51, 255], [1, 3])).floats()), [0, Math.fround(51 * Math.fround(1 / 255)), 1]);
});

test("Tiny Darknet on the five photos: the reference top-5 classes, probabilities within 1e-3", { skip }, async () => {
  const path = join(data, "tiny_darknet_tfjs/model.json");
  const model = await TinyDarknet({ path });
  for (const [file, want] of Object.entries(expected.images) as [string, { darknet_index: number; prob: number }[]][]) {
    // the reference resized with Pillow's BILINEAR: the same pixels here
    const img = await loadImage(join(data, "images", file), { size: [224, 224], resample: "pillow-bilinear" });
    const p = softmax(model.predict(reshape(div(img, 255), [1, 224, 224, 3])) as ReturnType<typeof tensor>).floats();
    assert.deepEqual(
      top5(p),
      want.map((t) => t.darknet_index),
      file,
    );
    for (const t of want) assert.ok(Math.abs(p[t.darknet_index] - t.prob) < 1e-3, `${file}: p[${t.darknet_index}] ${p[t.darknet_index]} vs ${t.prob}`);
  }
  const base = await TinyDarknet({ includeTop: false, path });
  assert.deepEqual(base.outputs[0].shape, [null, 14, 14, 128]);
  assert.equal(base.countParams(), 917488);
});
