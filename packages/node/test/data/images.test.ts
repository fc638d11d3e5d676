import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { loadDigit, loadImage } from "../../src/data/images.js";

const dir = tempDir();

test("loadImage decodes, converts and resizes", async () => {
  const path = join(dir, "red.png");
  await sharp({ create: { width: 10, height: 6, channels: 3, background: { r: 255, g: 0, b: 0 } } })
    .png()
    .toFile(path);
  const rgb = await loadImage(path);
  assert.deepEqual(rgb.shape, [6, 10, 3]);
  assert.deepEqual(Array.from(rgb.data().subarray(0, 3)), [255, 0, 0]);
  const small = await loadImage(path, { size: [3, 5], channels: 1 });
  assert.deepEqual(small.shape, [3, 5, 1]);
  await assert.rejects(loadImage(join(dir, "nope.png")), /loadImage: cannot read/);
});

test("loadDigit inverts dark-on-light digits to MNIST's white-on-black", async () => {
  const path = join(dir, "digit.png");
  const size = 40,
    pixels = Buffer.alloc(size * size, 255);
  for (let y = 10; y < 30; y++) for (let x = 18; x < 22; x++) pixels[y * size + x] = 0; // a dark vertical stroke
  await sharp(pixels, { raw: { width: size, height: size, channels: 1 } })
    .png()
    .toFile(path);
  const d = await loadDigit(path);
  assert.deepEqual(d.shape, [28, 28]);
  const v = d.floats();
  assert.ok(v[0] < 0.05, "background is black");
  assert.ok(v[14 * 28 + 14] > 0.8, "the stroke is bright");
});
