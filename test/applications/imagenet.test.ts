import assert from "node:assert/strict";
import { test } from "node:test";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { preprocessFor } from "../../src/applications/imagenet.js";
import { decodePredictions, Input, tensor } from "../../src/index.js";

const skip = needsData("The ImageNet class index", "imagenet-pretrained/labels/imagenet_class_index.json");

test("decodePredictions: Keras's [wnid, name, score] triples, best first, from the md5-checked class index", { skip }, async () => {
  const p = new Float32Array(2000);
  p[281] = 0.7; // tabby
  p[285] = 0.2; // Egyptian cat
  p[1000 + 207] = 0.9; // golden retriever
  const [cat, dog] = await decodePredictions(tensor(p, [2, 1000]), 2);
  assert.deepEqual(
    cat.map(([wnid, name]) => [wnid, name]),
    [
      ["n02123045", "tabby"],
      ["n02124075", "Egyptian_cat"],
    ],
  );
  assert.ok(Math.abs(cat[0][2] - 0.7) < 1e-7);
  assert.deepEqual(dog[0].slice(0, 2), ["n02099601", "golden_retriever"]);
  assert.equal((await decodePredictions(tensor(p, [2, 1000])))[0].length, 5);
  await assert.rejects(
    decodePredictions(tensor(new Float32Array(10), [1, 10])),
    /decodePredictions: expects a batch of ImageNet predictions \[n, 1000\], got \[1, 10\]/,
  );
});

test("a family's preprocessInput computes on tensors and adds a layer on symbolic inputs", () => {
  const pre = preprocessFor("tf");
  assert.deepEqual(Array.from(pre(tensor([0, 127.5, 255], [1, 3])).floats()), [-1, 0, 1]);
  const inputs = Input({ shape: [8, 8, 3] });
  const y = pre(inputs);
  assert.deepEqual(y.shape, [null, 8, 8, 3]);
  assert.equal(y.node.layer.className, "PreprocessInput");
});
