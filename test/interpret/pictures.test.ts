import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { tensor } from "../../src/index.js";
import { grid, overlay, pngBytes, savePng, stretch } from "../../src/interpret/pictures.js";

test("PNG round trip, clipping to 0..255; stretch maps the range onto 0..255", async () => {
  const img = tensor([0, 127.6, 300, -5, 10, 20], [1, 2, 3]);
  const { data, info } = await sharp(await pngBytes(img))
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height, info.channels], [2, 1, 3]);
  assert.deepEqual(Array.from(data), [0, 128, 255, 0, 10, 20]);
  assert.deepEqual(Array.from(stretch(Float32Array.of(-1, 0, 1))), [0, 127.5, 255]);
  assert.deepEqual(Array.from(stretch(Float32Array.of(4, 4))), [127.5, 127.5]);
  const file = await savePng(tensor([1, 2, 3, 4], [2, 2]), join(tempDir(), "deep", "x.png"));
  assert.equal((await sharp(file).metadata()).width, 2);
  await assert.rejects(pngBytes(tensor([1, 2], [1, 1, 2])), /expected \[h, w\], \[h, w, 1\] or \[h, w, 3\]/);
});

test("grid places tiles row by row with gaps; overlay blends a heat map over a photo", () => {
  const tiles = [1, 2, 3].map((v) => tensor(new Float32Array(4).fill(v), [2, 2, 1]));
  const g = grid(tiles, { columns: 2, gap: 1 });
  assert.deepEqual(g.shape, [5, 5, 1]);
  const v = g.floats();
  assert.deepEqual([v[0], v[2], v[3], v[15], v[18]], [1, 0, 2, 3, 0]);
  const photo = tensor(new Float32Array(2 * 2 * 3).fill(100), [2, 2, 3]);
  const o = overlay(photo, tensor([0, 0, 0, 1], [2, 2]), 0.5).floats();
  assert.deepEqual(Array.from(o.subarray(0, 3)), [50, 50, 113.75], "cold: dark blue (jet)");
  assert.deepEqual(Array.from(o.subarray(9, 12)), [113.75, 50, 50], "hot: dark red");
  assert.throws(() => overlay(photo, tensor([1, 2], [2])), /2 values for a 2x2 photo/);
});
