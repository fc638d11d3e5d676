import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { makePhotoSplits } from "../../packages/node/test/helpers/photos.js";
import { BatchNormalization, Conv2D, Input, loadModel, MaxPooling2D, Sequential } from "../../src/index.js";
import { catsVsDogsPretrained, unfreezeLast, withHead } from "../../src/recipes/cats-vs-dogs-pretrained.js";

const noDarknet = needsData("Tiny Darknet", "imagenet-pretrained/tiny_darknet_tfjs/model.json");

function smallBase() {
  return new Sequential(
    [
      Input({ shape: [32, 32, 3] }),
      new Conv2D({ filters: 4, kernelSize: 3, activation: "relu", name: "c1" }),
      new BatchNormalization({ name: "bn" }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 4, kernelSize: 3, activation: "relu", name: "c2" }),
    ],
    { name: "small_base" },
  );
}

test("withHead freezes the base under a new sigmoid head; unfreezeLast opens the last layers but not batch normalization", () => {
  const base = smallBase();
  const model = withHead({ model: base, size: [32, 32], mode: "unit" });
  assert.equal(model.trainableWeights.length, 2, "only the head's kernel and bias");
  assert.deepEqual(model.outputs[0].shape, [null, 1]);
  assert.ok(model.frozenPrefix(), "the frozen base can be cached");
  const open = unfreezeLast(base, 3);
  assert.equal(open, 4 * 3 * 3 * 4 + 4, "the last 3 (bn, pool, c2) open c2 only: bn stays frozen");
  assert.equal(base.getLayer("bn").trainable, false);
});

test("cats-vs-dogs-pretrained on a base from a file: frozen training, then fine-tuning, saved with class names", async () => {
  const images = await makePhotoSplits();
  const dir = tempDir();
  const basePath = join(dir, "base.kerno");
  smallBase().save(basePath);
  const lines: string[] = [];
  const result = await catsVsDogsPretrained.run({
    epochs: 2,
    batchSize: 4,
    out: dir,
    verbose: 0,
    seed: 1,
    flags: { images, base: basePath, "fine-tune": "1", "fine-tune-epochs": "1" },
    log: (l) => lines.push(l),
  });
  assert.equal(result.epochs, 3, "2 frozen + 1 fine-tuning epochs in the history");
  assert.ok(result.testFrozen && result.testFineTuned);
  assert.ok(
    lines.some((l) => /^fine-tuning the last 1 layers of small_base: 148 of its parameters trainable$/.test(l)),
    lines.join("\n"),
  );
  const saved = await loadModel(result.modelPath);
  assert.deepEqual(saved.classNames, ["cats", "dogs"]);
});

test("cats-vs-dogs-pretrained on Tiny Darknet learns the tinted photos", { skip: noDarknet }, async () => {
  const images = await makePhotoSplits();
  const result = await catsVsDogsPretrained.run({ epochs: 3, batchSize: 8, out: tempDir(), verbose: 0, seed: 1, flags: { images }, log: () => {} });
  assert.equal(result.base, "tiny-darknet");
  assert.ok(result.test!.accuracy >= 0.875, `test accuracy ${result.test!.accuracy}`);
});
