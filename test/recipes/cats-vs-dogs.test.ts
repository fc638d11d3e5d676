import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { makePhotoSplits } from "../../packages/node/test/helpers/photos.js";
import { clearSession, loadModel } from "../../src/index.js";
import { catsVsDogs, catsVsDogsModel } from "../../src/recipes/cats-vs-dogs.js";

test("the course's cats-vs-dogs networks: 308,417 parameters; --deeper and --augment", () => {
  clearSession();
  const plain = catsVsDogsModel();
  assert.equal(plain.countParams(), 308417);
  assert.deepEqual(plain.outputs[0].shape, [null, 1]);
  const augmented = catsVsDogsModel({ deeper: true, augment: true, seed: 1 });
  const kinds = augmented.layers.map((l) => l.className);
  assert.deepEqual(kinds.slice(0, 4), ["RandomFlip", "RandomRotation", "RandomZoom", "Rescaling"]);
  assert.equal(kinds.filter((k) => k === "Conv2D").length, 5);
  assert.ok(kinds.includes("Dropout"));
});

test("cats-vs-dogs trains on a folder of photos, keeps the best epoch, evaluates on test/ and saves the class names", async () => {
  const images = await makePhotoSplits();
  const out = tempDir();
  const lines: string[] = [];
  const result = await catsVsDogs.run({ epochs: 2, batchSize: 4, out, verbose: 0, seed: 1, flags: { images }, log: (l) => lines.push(l) });
  assert.equal(result.recipe, "cats-vs-dogs");
  assert.equal(result.epochs, 2);
  assert.deepEqual(result.samples, { train: 16, validation: 8, test: 8 });
  assert.ok([1, 2].includes(result.bestEpoch as number));
  assert.ok(result.test && result.test.accuracy >= 0 && result.test.accuracy <= 1);
  assert.match(lines.at(-1)!, /best epoch \d \(validation loss \d\.\d{4}\); test accuracy \d+\.\d\d%; model saved to/);
  assert.ok(existsSync(result.modelPath));
  const saved = await loadModel(result.modelPath);
  assert.deepEqual(saved.classNames, ["cats", "dogs"]);
  assert.equal(saved.countParams(), 308417);
  assert.equal((result.plots as string[]).length, 2);
});
