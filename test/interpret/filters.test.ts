import assert from "node:assert/strict";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { dataPath, needsData } from "../../packages/node/test/helpers/data.js";
import { inputImages } from "../../src/cli/images.js";
import { interpretCommand } from "../../src/cli/interpret.js";
import { Conv2D, Input, Sequential, TinyDarknet, tensor } from "../../src/index.js";
import { type FilterImage, scaleSizes, visualizeFilter, visualizeLayer } from "../../src/interpret/filters.js";
import { contrast } from "../../src/interpret/filters-measure.js";

const noDarknet = needsData("Tiny Darknet and its photos", "imagenet-pretrained/tiny_darknet_tfjs/model.json", "imagenet-pretrained/images/dog.jpg");

/** The bar: at least 2x the best reference photo and 10x the magnitude of the noise activation. */
function litUp(r: Pick<FilterImage, "filter" | "activation" | "referenceContrast" | "noiseContrast" | "noiseActivation" | "referenceActivation">): void {
  const figures = `filter ${r.filter}: activation ${r.activation}, best reference ${r.referenceActivation}, noise ${r.noiseActivation}`;
  assert.ok((r.referenceContrast as number) >= 2, `${figures}: photo contrast ${r.referenceContrast} < 2`);
  assert.ok(r.noiseContrast >= 10, `${figures}: noise contrast ${r.noiseContrast} < 10`);
}

/** Leaky ReLUs of Sobel filters: filter 0 answers vertical edges, filter 1 horizontal ones; filter 2 has no kernel and a bias of -1, so it is -0.2 whatever the input. */
function edges(shape: (number | null)[] = [null, null, 1]) {
  const conv = new Conv2D({ filters: 3, kernelSize: 3, activation: "leaky_relu", name: "edges" });
  const model = new Sequential([Input({ shape: shape as number[] }), conv]);
  const k = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
  const w = new Float32Array(27);
  k.forEach((v, i) => {
    w[i * 3] = v; // d/dx
    w[i * 3 + 1] = k[(i % 3) * 3 + Math.floor(i / 3)]; // d/dy
  });
  conv.weights[0].assign(tensor(w, [3, 3, 1, 3]));
  conv.weights[1].assign(tensor([0, 0, -1]));
  return model;
}

/** Soft ramps, pixels 0..255 [2, 32, 32, 1]: real inputs with some, weak, edges. */
function ramps() {
  return tensor(
    Float32Array.from({ length: 2 * 32 * 32 }, (_, i) => {
      const [n, y, x] = [Math.floor(i / 1024), Math.floor(i / 32) % 32, i % 32];
      return 100 + 2 * (n === 0 ? x : y);
    }),
    [2, 32, 32, 1],
  );
}

test("Graetz's schedule: 56, then 1.2 times larger twelve times, capped", () => {
  assert.deepEqual(scaleSizes({}).slice(0, 4), [56, 67, 80, 96]);
  assert.equal(scaleSizes({}).length, 12);
  assert.deepEqual(scaleSizes({ maxSize: 100 }), [56, 67, 80, 96, 100]);
  assert.deepEqual(scaleSizes({ size: 28, maxSize: 28 }), [28]);
});

test("the contrasts: a negative or zero activation never passes, whatever the noise or the references do", () => {
  assert.equal(contrast(6, 2), 3);
  assert.ok(contrast(-0.2, Math.abs(-1)) < 0);
  assert.ok(contrast(-0.2, 0.5) < 0);
  assert.ok(contrast(-0.2, -3) < 0, "references on which the filter is negative too");
  assert.equal(contrast(0, 0), 0);
  assert.ok(contrast(3, -1) >= 1e6, "references that never fire the filter: any positive activation beats them");
});

test("gradient ascent makes an edge filter fire far above noise and real inputs; a dead filter fails both contrasts", () => {
  const model = edges();
  const references = ramps();
  const options = { scales: 3, steps: 20, normalization: { mean: [0.5], std: [0.25] }, references };
  const r = visualizeFilter(model, "edges", 0, options);
  assert.equal(r.image.shape[2], 1);
  assert.equal(r.noiseContrast, r.activation / Math.abs(r.noiseActivation));
  assert.equal(r.referenceIndex, 0, "the ramp along x is the vertical-edge filter's best reference");
  assert.ok(
    Math.abs((r.referenceActivation as number) - 16) < 1e-3,
    `a ramp of 2 per pixel gives a Sobel response of 4 x 2 x 2 = 16, got ${r.referenceActivation}`,
  );
  // white noise is all edges, so an edge filter fires on it too: the optimized image does better still
  assert.ok(r.activation > 2 * r.noiseActivation, `${r.activation} vs noise ${r.noiseActivation}`);
  assert.ok((r.referenceContrast as number) >= 2, `photo contrast ${r.referenceContrast}`);
  // the picture of a vertical-edge filter changes along x far more than along y
  const [h, w] = r.image.shape;
  const v = r.image.floats();
  let dx = 0,
    dy = 0;
  for (let y = 1; y < h; y++)
    for (let x = 1; x < w; x++) {
      dx += Math.abs(v[y * w + x] - v[y * w + x - 1]);
      dy += Math.abs(v[y * w + x] - v[(y - 1) * w + x]);
    }
  assert.ok(dx > 1.5 * dy, `vertical stripes: |d/dx| ${dx} vs |d/dy| ${dy}`);
  // filter 2 never fires: the check that a filter lit up must fail on it
  const dead = visualizeFilter(model, "edges", 2, options);
  assert.ok(Math.abs(dead.activation + 0.2) < 1e-5 && dead.noiseContrast < 0 && (dead.referenceContrast as number) < 0, JSON.stringify(dead));
  assert.throws(() => litUp(dead), /photo contrast -200000\.\d* < 2/);
  // Lucid's space and transforms keep the pixels inside 0..255 and still find the edges
  const lucid = visualizeFilter(model, "edges", 1, { ...options, space: "decorrelated", jitter: 2, zoom: 0.05, rotate: 5, learningRate: 0.05 });
  assert.ok(lucid.activation > 0 && (lucid.referenceContrast as number) >= 2, JSON.stringify({ ...lucid, image: undefined }));
  const layer = visualizeLayer(model, "edges", [0, 1], { scales: 2, steps: 5 });
  assert.equal(layer.filters.length, 2);
  assert.equal(layer.filters[0].referenceContrast, undefined);
  assert.equal(layer.grid.shape[1], 2 * layer.filters[0].image.shape[1] + 2);
  assert.throws(() => visualizeFilter(model, "edges", 3), /layer 'edges' has 3 filters \(0\.\.2\), got filter 3/);
  assert.throws(() => visualizeFilter(model, "conv", 0), /no layer named 'conv'; layers: .*edges/);
  assert.throws(() => visualizeFilter(model, "edges", 0, { start: tensor([1, 2, 3], [1, 1, 3]) }), /start must be "noise", "gray" or pixels \[h, w, 1\]/);
});

/** kerno interpret filters, in this process (its output lines returned). */
async function filtersCommand(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    assert.equal(await interpretCommand(["filters", ...args]), 0);
  } finally {
    console.log = log;
  }
  return lines;
}

test("kerno interpret filters --reference DIR: both contrasts per filter, the definitions, and how many lit up", async () => {
  const dir = tempDir();
  const file = join(dir, "edges.kerno");
  edges([32, 32, 1]).save(file);
  const photos = join(dir, "photos");
  mkdirSync(photos);
  const ramp = (vertical: boolean) => Buffer.from(Uint8Array.from({ length: 32 * 32 }, (_, i) => 100 + 2 * (vertical ? Math.floor(i / 32) : i % 32)));
  await sharp(ramp(false), { raw: { width: 32, height: 32, channels: 1 } })
    .png()
    .toFile(join(photos, "a.png"));
  await sharp(ramp(true), { raw: { width: 32, height: 32, channels: 1 } })
    .png()
    .toFile(join(photos, "b.png"));
  const out = join(dir, "out");
  const lines = await filtersCommand(file, "--layer", "edges", "--filters", "0-2", "--reference", photos, "--input-scale", "255", "--out", out, "--json");
  const summary = JSON.parse(lines.at(-1) as string);
  assert.deepEqual(summary.references, { folder: photos, images: ["a.png", "b.png"] });
  assert.equal(summary.preprocess, "none");
  assert.deepEqual(
    summary.filters.map((f: { referenceImage: string }) => f.referenceImage),
    ["a.png", "b.png", "a.png"],
  );
  const [vertical, , dead] = summary.filters;
  assert.ok(Math.abs(vertical.referenceActivation - 16) < 0.5, `a ramp of 2 per pixel: ${vertical.referenceActivation}`);
  assert.equal(vertical.referenceContrast, vertical.activation / vertical.referenceActivation);
  assert.ok(dead.referenceContrast < 0 && dead.noiseContrast < 0, JSON.stringify(dead));
  assert.ok(summary.lit <= 2, "the dead filter is not counted");
  assert.match(lines.join("\n"), /photo contrast = activation \/ max\(referenceActivation, 1e-6\)/);
  assert.match(
    lines.join("\n"),
    /filter 2: activation -0\.200; best photo a\.png -0\.200, photo contrast -2\.00e\+5 \(no photo fires it\); noise -0\.200, noise contrast -1\.0/,
  );
  assert.match(lines.join("\n"), new RegExp(`${summary.lit} of 3 filters at least 2x their best photo and 10x`));
  const none = JSON.parse((await filtersCommand(file, "--layer", "edges", "--filter", "0", "--reference", "none", "--out", out, "--json")).at(-1) as string);
  assert.equal(none.references, null);
  assert.equal(none.filters[0].referenceContrast, undefined);
  await assert.rejects(filtersCommand(file, "--layer", "edges", "--reference", join(dir, "nowhere"), "--out", out), /--reference: no folder/);
});

test("Tiny Darknet: middle-layer filters 14 and 15, below 10x noise before, light up against its photos and noise", { skip: noDarknet }, async () => {
  const model = await TinyDarknet();
  const dir = dataPath("imagenet-pretrained/images");
  const references = await inputImages(
    model,
    readdirSync(dir)
      .sort()
      .map((f) => join(dir, f)),
    255,
  );
  const { filters } = visualizeLayer(model, "leaky_re_lu_6", [14, 15], { preprocess: "unit", references });
  for (const r of filters) litUp(r);
});

test("Tiny Darknet from its model.json through the CLI: filter 4 of leaky_re_lu_15 lights up (it stayed negative on 0..255 pixels)", {
  skip: noDarknet,
}, async () => {
  const model = dataPath("imagenet-pretrained/tiny_darknet_tfjs/model.json");
  const lines = await filtersCommand(model, "--layer", "leaky_re_lu_15", "--filter", "4", "--out", tempDir(), "--json");
  const summary = JSON.parse(lines.at(-1) as string);
  assert.equal(summary.preprocess, "unit");
  assert.deepEqual(summary.references.images, ["cat.jpg", "creative_commons_elephant.jpg", "dog.jpg", "eagle.jpg", "giraffe.jpg"]);
  assert.match(summary.measure.referenceContrast, /activation \/ max\(referenceActivation, 1e-6\)/);
  assert.equal(summary.filters.length, 1);
  litUp(summary.filters[0]);
  assert.equal(summary.lit, 1);
  assert.match(lines.join("\n"), /filter 4: activation [\d.]+; best photo \S+\.jpg -?[\d.]+, photo contrast [\d.]+; noise -?[\d.]+, noise contrast [\d.]+/);
});
