import assert from "node:assert/strict";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Tensor } from "@kerno/core";
import sharp from "sharp";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { imageDatasetFromDirectory } from "../../src/index.js";
import { dataPath, needsData } from "../helpers/data.js";

/** A folder of classes, each image a solid color whose red value encodes (class, index). */
async function makeFolder(classes: Record<string, number>, extra: (dir: string) => void = () => {}): Promise<string> {
  const dir = tempDir();
  let c = 0;
  for (const [name, count] of Object.entries(classes)) {
    mkdirSync(join(dir, name));
    for (let i = 0; i < count; i++) {
      const red = c * 100 + i;
      const ext = i % 2 ? "png" : "JPG";
      await sharp({ create: { width: 7 + i, height: 5, channels: 3, background: { r: red, g: 10, b: 20 } } })
        .toFormat(ext === "png" ? "png" : "jpeg", { quality: 100 })
        .toFile(join(dir, name, `img${i}.${ext}`));
    }
    c++;
  }
  writeFileSync(join(dir, "README.txt"), "not an image");
  extra(dir);
  return dir;
}

const lines: string[] = [];
const log = (l: string) => lines.push(l);

test("Keras's semantics: sorted class folders, labels, label modes, batches, the Found line", async () => {
  const dir = await makeFolder({ dogs: 3, cats: 2 });
  lines.length = 0;
  const ds = imageDatasetFromDirectory(dir, { imageSize: [4, 4], batchSize: 2, shuffle: false, log });
  assert.deepEqual(lines, ["Found 5 files belonging to 2 classes."]);
  assert.deepEqual(ds.classNames, ["cats", "dogs"]);
  assert.equal(ds.filePaths.length, 5);
  assert.equal(ds.cardinality, 3);
  const batches = await ds.toArray();
  assert.deepEqual(
    batches.map((b) => (b.x as Tensor).shape),
    [
      [2, 4, 4, 3],
      [2, 4, 4, 3],
      [1, 4, 4, 3],
    ],
  );
  assert.deepEqual(
    batches.flatMap((b) => Array.from((b.y as Tensor).ints())),
    [0, 0, 1, 1, 1],
  );
  const reds = batches.flatMap((b) => {
    const v = (b.x as Tensor).floats();
    return Array.from({ length: v.length / 48 }, (_, i) => Math.round(v[i * 48]));
  });
  assert.deepEqual(
    reds.map((r) => Math.round(r / 100)),
    [1, 1, 0, 0, 0],
    "pixels 0..255 (cats were made second, red 100+), the right image per label",
  );
  const binary = await imageDatasetFromDirectory(dir, { imageSize: [4, 4], labelMode: "binary", shuffle: false, log }).toArray();
  assert.deepEqual((binary[0].y as Tensor).shape, [5, 1]);
  const categorical = await imageDatasetFromDirectory(dir, { imageSize: [4, 4], labelMode: "categorical", shuffle: false, log }).toArray();
  assert.deepEqual(Array.from((categorical[0].y as Tensor).floats().subarray(0, 2)), [1, 0]);
  const gray = await imageDatasetFromDirectory(dir, { imageSize: [3, 2], colorMode: "grayscale", labelMode: null, batchSize: null, log }).toArray();
  assert.equal(gray.length, 5);
  assert.deepEqual((gray[0].x as Tensor).shape, [3, 2, 1]);
  assert.equal(gray[0].y, undefined);
  const only = await imageDatasetFromDirectory(dir, { imageSize: [4, 4], classNames: ["dogs"], log }).toArray();
  assert.equal((only[0].y as Tensor).size, 3);
  assert.deepEqual(readdirSync(dir).sort(), ["README.txt", "cats", "dogs"], "nothing written into the folder");
});

test("validationSplit: a seeded shuffle, then the last files for validation; each pass reshuffles the training files", async () => {
  const dir = await makeFolder({ a: 6, b: 4 });
  lines.length = 0;
  const [train, val] = imageDatasetFromDirectory(dir, { imageSize: [2, 2], validationSplit: 0.3, subset: "both", seed: 7, batchSize: 4, log });
  assert.deepEqual(lines, ["Found 10 files belonging to 2 classes.", "Using 7 files for training.", "Using 3 files for validation."]);
  assert.equal(new Set([...train.filePaths, ...val.filePaths]).size, 10);
  const again = imageDatasetFromDirectory(dir, { imageSize: [2, 2], validationSplit: 0.3, subset: "validation", seed: 7, log });
  assert.deepEqual(again.filePaths, val.filePaths, "the same seed gives the same split");
  const order = async () => (await train.toArray()).flatMap((b) => Array.from((b.x as Tensor).floats().filter((_, i) => i % 12 === 0)));
  assert.notDeepEqual(await order(), await order(), "a new order every pass");
  assert.throws(() => imageDatasetFromDirectory(dir, { validationSplit: 0.2, log }), /say which subset/);
});

test(".cache() keeps decoded batches: later passes need no files", async () => {
  const dir = await makeFolder({ a: 3, b: 3 });
  const ds = imageDatasetFromDirectory(dir, { imageSize: [4, 4], batchSize: 4, seed: 1, log }).cache();
  const first = await ds.toArray();
  rmSync(dir, { recursive: true, force: true });
  const second = await ds.toArray();
  assert.deepEqual(
    second.map((b) => Array.from((b.x as Tensor).floats())),
    first.map((b) => Array.from((b.x as Tensor).floats())),
  );
});

test("bad folders and files are clear errors; onBadFile 'skip' counts and reports", async () => {
  const empty = tempDir();
  assert.throws(() => imageDatasetFromDirectory(empty, { log }), /has no class subfolders/);
  mkdirSync(join(empty, "cats"));
  assert.throws(() => imageDatasetFromDirectory(empty, { log }), /no image files \(.bmp, .gif, .jpeg, .jpg, .png\)/);
  const one = await makeFolder({ cats: 2 });
  assert.throws(() => imageDatasetFromDirectory(one, { labelMode: "binary", log }), /labelMode 'binary' needs exactly 2 classes, found 1 \(cats\)/);
  assert.throws(() => imageDatasetFromDirectory(one, { classNames: ["dogs"], log }), /class 'dogs' has no folder/);
  const corrupt = await makeFolder({ cats: 2, dogs: 2 }, (dir) =>
    writeFileSync(join(dir, "dogs", "broken.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])),
  );
  await assert.rejects(
    imageDatasetFromDirectory(corrupt, { imageSize: [4, 4], log }).toArray(),
    // libvips's detail (VipsJpeg: ...) sometimes does not reach the message when decodes run in parallel
    (err: Error) => /cannot decode .*broken\.jpg: .*corrupt header/.test(err.message) && !err.message.includes("\n"),
    "the file named, libvips's warnings in one line",
  );
  const skipping = imageDatasetFromDirectory(corrupt, { imageSize: [4, 4], onBadFile: "skip", shuffle: false, batchSize: 2, log });
  const batches = await skipping.toArray();
  assert.equal(
    batches.reduce((s, b) => s + (b.x as Tensor).shape[0], 0),
    4,
  );
  assert.deepEqual(
    skipping.skipped.map((f) => f.endsWith("broken.jpg")),
    [true],
  );
});

const shared = dataPath("cats_and_dogs_small");
test("a pass that fails on a file drops the batches decoding ahead: their failures are no unhandled rejection", async () => {
  const dir = await makeFolder({ a: 4, b: 4 });
  const ds = imageDatasetFromDirectory(dir, { imageSize: [4, 4], shuffle: false, batchSize: 2, prefetch: 3, log: () => {} });
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", record);
  try {
    rmSync(join(dir, "a"), { recursive: true });
    rmSync(join(dir, "b"), { recursive: true });
    await assert.rejects(ds.toArray(), /imageDatasetFromDirectory: cannot decode .*a/);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", record);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the real cats and dogs: 2,000 training files in 2 classes", { skip: needsData("cats_and_dogs_small", "cats_and_dogs_small/train") }, async () => {
  lines.length = 0;
  const ds = imageDatasetFromDirectory(join(shared, "train"), { imageSize: [180, 180], log });
  assert.deepEqual(lines, ["Found 2000 files belonging to 2 classes."]);
  assert.deepEqual(ds.classNames, ["cats", "dogs"]);
  const first = await ds.take(1).toArray();
  assert.deepEqual((first[0].x as Tensor).shape, [32, 180, 180, 3]);
});
