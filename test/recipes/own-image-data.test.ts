import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { makePhotoSplits } from "../../packages/node/test/helpers/photos.js";
import { folderLayout, ownImages, photoShape } from "../../src/recipes/own-image-data.js";

test("the folder's layout: train/validation/test, train/test, or class folders", async () => {
  const full = await makePhotoSplits({ train: 2, validation: 1, test: 1 });
  assert.equal(folderLayout(full), "train/validation/test");
  const trainTest = await makePhotoSplits({ train: 2, test: 1 });
  assert.equal(folderLayout(trainTest), "train/test");
  assert.equal(folderLayout(join(trainTest, "train")), "class folders");
  assert.throws(() => folderLayout(join(full, "nowhere")), /is not a folder/);
  const lines: string[] = [];
  const data = await ownImages(full, { batchSize: 4, seed: 1, log: (l) => lines.push(l) });
  assert.deepEqual(data.trainCounts, [2, 2]);
  assert.ok(data.test !== null && data.validation.filePaths.length === 2);
  assert.deepEqual([data.colorMode, data.size], ["rgb", [33, 33]]);
});

test("photo shape: the median shorter side, capped, and gray photos found even when saved as RGB", async () => {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [i, [w, h]] of [
    [40, 30],
    [50, 60],
    [400, 300],
  ].entries()) {
    const gray = Buffer.alloc(w * h * 3, 90 + i);
    const path = join(dir, `g${i}.jpg`);
    await sharp(gray, { raw: { width: w, height: h, channels: 3 } })
      .jpeg()
      .toFile(path);
    files.push(path);
  }
  assert.deepEqual(await photoShape(files), { size: [50, 50], colorMode: "grayscale" });
  assert.deepEqual((await photoShape(files.slice(2), 180)).size, [180, 180]);
});
