import assert from "node:assert/strict";
import { test } from "node:test";
import { darknetToKeras, preprocessInput } from "../../src/applications/tiny-darknet.js";
import { TinyDarknet, tensor } from "../../src/index.js";
import { needsData } from "../helpers/data.js";

const skip = needsData("Tiny Darknet", "imagenet-pretrained/tiny_darknet_tfjs/model.json");

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
