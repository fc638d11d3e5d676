import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { makeShapes } from "../helpers/drawn-folders.js";
// the native backend where the addon builds (as kerno train runs), else the TypeScript one
import "@kerno/node/backends/native/index.js";
import { loadModel } from "@kerno/node/interop/load-model.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { makePhotoSplits } from "../../packages/node/test/helpers/photos.js";
import { imagePlan, planCnn } from "../../src/recipes/own-image-plan.js";
import { trainOwnImages } from "../../src/recipes/own-images.js";
import { makeFashionFolders } from "../helpers/fashion-folders.js";

const noFashion = needsData("Fashion-MNIST", "fashion-mnist/train-images-idx3-ubyte.gz");

/** Every file under dir with its size and modification time: to show nothing in the user's folder changed. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(dir, p)} ${statSync(p).size} ${statSync(p).mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}

test("a folder of Fashion-MNIST PNGs (train/ and test/ of three classes) trains to at least 90% with no option", {
  skip: noFashion,
}, async () => {
  const dir = await makeFashionFolders();
  writeFileSync(join(dir, "train", "Bag", "notes.txt"), "not a photo");
  const before = snapshot(dir);
  const out = tempDir();
  const lines: string[] = [];
  const r = await trainOwnImages(dir, { out, verbose: 0, log: (l) => lines.push(l) });
  assert.ok((r.accuracy as number) >= 0.9, `test accuracy ${r.accuracy}`);
  assert.equal(r.evaluatedOn, "test");
  assert.deepEqual(r.classNames, ["Bag", "T-shirt_top", "Trouser"]);
  assert.deepEqual([r.imageSize, r.colorMode, r.layout, r.augment], [[28, 28], "grayscale", "train/test", true]);
  assert.match(lines.join("\n"), /skipping 1 file\(s\) that are not images .*notes\.txt/);
  assert.match(lines.join("\n"), /\n\s+Trouser\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s+100\n/);
  for (const f of ["image-classifier.kerno", "report.json", "confusion.png", "confusion.svg", "loss.svg"]) assert.ok(existsSync(join(out, f)), f);
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
  assert.equal(
    report.report.confusion.flat().reduce((s: number, v: number) => s + v, 0),
    300,
  );
  assert.deepEqual((await loadModel(join(out, "image-classifier.kerno"))).classNames, ["Bag", "T-shirt_top", "Trouser"]);
  assert.deepEqual(snapshot(dir), before, "nothing in the user's folder changed");
});

test("class folders alone: validation from them, unequal classes weighted, --balance oversample, and bad folders", async () => {
  const splits = await makePhotoSplits({ train: 10, validation: 0, test: 0 });
  const dir = join(splits, "train");
  for (const f of readdirSync(join(dir, "dogs")).slice(0, 6)) rmSync(join(dir, "dogs", f));
  const lines: string[] = [];
  const options = { out: tempDir(), verbose: 0 as const, epochs: 2, log: (l: string) => lines.push(l) };
  const r = await trainOwnImages(dir, options);
  assert.equal(r.layout, "class folders");
  assert.equal(r.evaluatedOn, "validation");
  assert.equal(r.balance, "weights");
  assert.match(lines.join("\n"), /classes are unequal \(largest 2\.0x the smallest\): weighting the loss by class/);
  lines.length = 0;
  const o = await trainOwnImages(dir, { ...options, flags: { balance: "oversample" } });
  assert.equal(o.balance, "oversample");
  assert.match(lines.join("\n"), /oversample: 12 training images became 16/);
  await assert.rejects(
    trainOwnImages(dir, { ...options, flags: { balance: "smote" } }),
    /--balance must be one of undersample, oversample, weights, none, got 'smote'/,
  );
  renameSync(join(dir, "dogs"), join(splits, "dogs-elsewhere"));
  await assert.rejects(trainOwnImages(dir, options), /has one class folder \('cats'\); a classifier needs at least two/);
  const empty = tempDir();
  await assert.rejects(trainOwnImages(empty, options), /has no class folders/);
  await assert.rejects(trainOwnImages(join(empty, "missing"), options), /is not a folder/);
});

/** The network imagePlan gives photos of this size (the training-length fields do not shape it). */
const smallCnn = (size: [number, number], channels: number, classes: number, o: { augment: boolean; seed: number }) =>
  planCnn(size, channels, classes, imagePlan({ size, channels, classes, trainCount: 0, batchSize: 32, augment: o.augment }), o);

test("the small CNN has a 'same' convolution block per halving down to about 3 pixels, global max pooling, and augmentation only when asked", () => {
  const blocks = (m: ReturnType<typeof smallCnn>) => m.layers.filter((l) => l.className === "Conv2D").length;
  assert.equal(blocks(smallCnn([28, 28], 1, 3, { augment: false, seed: 1 })), 3);
  assert.equal(blocks(smallCnn([62, 62], 3, 3, { augment: false, seed: 1 })), 4);
  assert.equal(blocks(smallCnn([180, 180], 3, 2, { augment: false, seed: 1 })), 5);
  const augmented = smallCnn([64, 64], 3, 5, { augment: true, seed: 1 });
  assert.deepEqual(
    augmented.layers.slice(0, 2).map((l) => l.className),
    ["RandomFlip", "Rescaling"],
    "small photos are only flipped",
  );
  assert.deepEqual(
    smallCnn([128, 128], 3, 5, { augment: true, seed: 1 })
      .layers.slice(0, 4)
      .map((l) => l.className),
    ["RandomFlip", "RandomRotation", "RandomZoom", "Rescaling"],
  );
  assert.ok(augmented.layers.some((l) => l.className === "GlobalMaxPooling2D"));
  assert.deepEqual(augmented.outputs[0].shape, [null, 5]);
});

test("a tiny shapes folder (issue 26's kind): the plan, the split it wrote, the corrupt photo skipped, and the underfit advice after 2 epochs", async () => {
  const dir = await makeShapes(join(tempDir(), "shapes"), { train: 8, test: 4 });
  const out = tempDir();
  const lines: string[] = [];
  const r = await trainOwnImages(dir, { out, epochs: 2, verbose: 0, log: (l) => lines.push(l) });
  const size = r.imageSize as [number, number];
  assert.equal(r.colorMode, "rgb");
  assert.deepEqual(r.plan, imagePlan({ size, channels: 3, classes: 3, trainCount: 20, batchSize: 32, augment: true }));
  assert.deepEqual(r.trainCounts, [5, 7, 8], "24 photos and one corrupt one, 5 of them for validation");
  assert.ok((r.skippedFiles as string[]).some((f) => f.endsWith("notes.txt")));
  assert.ok(
    (r.skippedFiles as string[]).some((f) => f.endsWith("IMG_0042.jpg")),
    "the photo that does not decode is named",
  );
  const split = JSON.parse(readFileSync(join(out, "split.json"), "utf8"));
  assert.deepEqual([split.layout, split.classNames, split.imageSize, split.evaluatedOn], ["train/test", ["circle", "square", "triangle"], size, "test"]);
  assert.deepEqual([split.train.length, split.validation.length, split.test.length], [20, 5, 12]);
  for (const { file, label } of [...split.train, ...split.validation, ...split.test]) assert.ok(file.includes(`/${split.classNames[label]}/`), file);
  assert.equal(new Set([...split.train, ...split.validation].map((e: { file: string }) => e.file)).size, 25, "no photo both trains and validates");
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
  assert.deepEqual(report.advice, r.advice);
  const trainAccuracy = Math.max(...(report.history.accuracy as number[]));
  assert.ok(trainAccuracy < 0.8, `2 epochs on 20 photos: training accuracy ${trainAccuracy}`);
  assert.match((r.advice as string[])[0], /^the network underfits: .*try --epochs 4, --no-augment/);
  assert.ok(lines.includes((r.advice as string[])[0]), "and the log says it");
});

test("--hierarchical adds a divide-and-conquer model saved beside the flat one", {
  skip: noFashion,
}, async () => {
  const dir = await makeFashionFolders({ train: 60, test: 20 });
  const out = tempDir();
  const lines: string[] = [];
  const r = await trainOwnImages(dir, { out, epochs: 2, verbose: 0, flags: { hierarchical: true }, log: (l) => lines.push(l) });
  const h = r.hierarchical as { groups: string[][]; accuracy: number };
  assert.equal(h.groups.flat().length, 3);
  assert.equal(h.groups.length, 2);
  assert.ok(h.accuracy >= 0 && h.accuracy <= 1);
  assert.ok(existsSync(join(out, "hierarchical.kerno")) && existsSync(join(out, "dendrogram.svg")));
  assert.match(lines.join("\n"), /hierarchy: \{.*\} \{.*\}/);
  const two = await makePhotoSplits({ train: 4, test: 2 });
  await assert.rejects(
    trainOwnImages(two, { out: tempDir(), epochs: 1, verbose: 0, flags: { hierarchical: true }, log: () => {} }),
    /needs at least 3 classes to group, got 2/,
  );
});
