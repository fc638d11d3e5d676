import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { makePhotoSplits } from "../../packages/node/test/helpers/photos.js";
import { Dataset, type Example, type Tensor, tensor } from "../../src/index.js";
import { catsAndDogsDir, imageSplits, reshuffledCache, saveCurves } from "../../src/recipes/image-data.js";

test("imageSplits: the three splits at the size asked, binary labels, new batches of the training images every epoch", async () => {
  const dir = await makePhotoSplits({ train: 6, validation: 2, test: 3 });
  const lines: string[] = [];
  const data = imageSplits(dir, [16, 12], 4, 1, (l) => lines.push(l));
  assert.deepEqual(data.classNames, ["cats", "dogs"]);
  assert.deepEqual(data.counts, { train: 12, validation: 4, test: 6 });
  assert.ok(lines.includes("train: Found 12 files belonging to 2 classes."), lines.join("\n"));
  assert.equal(data.train.cardinality, 3);
  const epoch = async () => (await data.train.toArray()).map((b) => ({ x: b.x as Tensor, y: Array.from((b.y as Tensor).floats()) }));
  const [e1, e2] = [await epoch(), await epoch()];
  assert.deepEqual(e1[0].x.shape, [4, 16, 12, 3]);
  assert.deepEqual(
    e1.flatMap((b) => b.y).sort(),
    Array.from({ length: 12 }, (_, i) => (i < 6 ? 0 : 1)),
  );
  assert.notDeepEqual(
    e1.map((b) => b.y),
    e2.map((b) => b.y),
    "batches are dealt anew",
  );
  // a red image is a cat
  const x = e1[0].x.floats();
  const first = e1[0].y[0];
  assert.equal(x[0] > x[2] ? 0 : 1, first);
  assert.equal((await data.test!.toArray()).length, 2);
});

test("imageSplits keeps the splits read again and streams those read once (the test split by default)", async () => {
  const dir = await makePhotoSplits({ train: 2, validation: 2, test: 2 });
  const passes = async (d: Dataset<Example> | null) => (await d!.toArray()).length;
  const byDefault = imageSplits(dir, [8, 8], 2, 1, () => {});
  const once = imageSplits(dir, [8, 8], 2, 1, () => {}, { readOnce: ["train", "validation", "test"] });
  for (const d of [byDefault.train, byDefault.validation, byDefault.test, once.train, once.validation]) assert.equal(await passes(d), 2);
  // with the photos gone, the kept splits still replay and the streamed ones find nothing to read
  for (const split of ["train", "validation", "test"]) rmSync(join(dir, split), { recursive: true });
  assert.equal(await passes(byDefault.train), 2);
  assert.equal(await passes(byDefault.validation), 2);
  await assert.rejects(passes(byDefault.test), /test/);
  await assert.rejects(passes(once.validation), /validation/);
  await assert.rejects(passes(once.train), /train/);
  rmSync(dir, { recursive: true });
});

test("imageSplits names the missing folder; catsAndDogsDir follows --images", () => {
  const dir = tempDir();
  assert.throws(() => imageSplits(dir, [8, 8], 2, 1, () => {}), /needs train\/ and validation\/ folders .*train\/ is missing/);
  assert.equal(catsAndDogsDir({ images: "/some/where" }), "/some/where");
  assert.match(catsAndDogsDir({}), /cats_and_dogs_small$/);
  rmSync(dir, { recursive: true });
});

test("saveCurves writes the loss and accuracy charts", async () => {
  const out = tempDir();
  const charts = await saveCurves({ loss: [0.7, 0.5], val_loss: [0.72, 0.6], accuracy: [0.5, 0.7], val_accuracy: [0.5, 0.65] }, out, "t", false);
  assert.equal(charts.length, 2);
  for (const c of charts) assert.ok(existsSync(c) && c.startsWith(join(out)), c);
});

test("reshuffledCache reads its source once, streaming, then deals the kept examples into new batches", async () => {
  let passes = 0;
  const source = Dataset.fromGenerator(function* () {
    passes++;
    for (let b = 0; b < 3; b++) yield { x: tensor([b * 2, b * 2 + 1], [2, 1]), y: tensor([b * 2, b * 2 + 1], [2]) };
  }, 3);
  const ds = reshuffledCache(source, 2, 5);
  const labels = async () => (await ds.toArray()).map((b) => Array.from((b.y as Tensor).floats()));
  const first = await labels();
  assert.deepEqual(first, [
    [0, 1],
    [2, 3],
    [4, 5],
  ]);
  const later = [await labels(), await labels()];
  assert.equal(passes, 1);
  for (const epoch of later) assert.deepEqual(epoch.flat().sort(), [0, 1, 2, 3, 4, 5]);
  assert.ok(later.some((epoch) => JSON.stringify(epoch) !== JSON.stringify(first)));
  assert.equal(ds.cardinality, 3);
});

test("reshuffledCache past its memory budget decodes its source every epoch, and says so once", async () => {
  let passes = 0;
  const source = Dataset.fromGenerator(function* () {
    passes++;
    for (let b = 0; b < 3; b++) yield { x: tensor([b * 2, b * 2 + 1], [2, 1]), y: tensor([b * 2, b * 2 + 1], [2]) };
  }, 3);
  const lines: string[] = [];
  const ds = reshuffledCache(source, 2, 5, { maxBytes: 5, log: (l) => lines.push(l) });
  for (let epoch = 0; epoch < 3; epoch++) assert.equal((await ds.toArray()).length, 3);
  assert.equal(passes, 3);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /pass the memory budget of 0 MB: every epoch decodes the folder again/);
});
