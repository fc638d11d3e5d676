import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { resizeBilinear } from "../../../core/src/backends/js/resize.js";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { aspectWindow, type DecodeOptions, decodeInto, mapLimit, shrinkFactor } from "../../src/data/image-decode.js";

const opts = (o: Partial<DecodeOptions>): DecodeOptions => ({ size: [2, 2], colorMode: "rgb", interpolation: "nearest", cropToAspectRatio: false, ...o });

test("decodeInto writes float pixels 0..255 at the offset, in the color mode asked for", async () => {
  const dir = tempDir();
  const file = join(dir, "half.png");
  const rgba = Buffer.alloc(4 * 2 * 4);
  for (let p = 0; p < 8; p++) rgba.set([200, 100, 50, 128], p * 4);
  await sharp(rgba, { raw: { width: 4, height: 2, channels: 4 } })
    .png()
    .toFile(file);
  const out = new Float32Array(2 + 2 * 2 * 4).fill(-1);
  await decodeInto(file, opts({ colorMode: "rgba" }), out, 2);
  // libvips resizes translucent pixels premultiplied by alpha: a color may come back one level lower
  const near = (got: ArrayLike<number>, want: number[]) => want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1, `${Array.from(got)} vs ${want}`));
  assert.deepEqual(Array.from(out.subarray(0, 2)), [-1, -1]);
  near(out.subarray(2, 6), [200, 100, 50, 128]);
  assert.equal(out[5], 128);
  const rgb = new Float32Array(12);
  await decodeInto(file, opts({}), rgb, 0);
  near(rgb, [200, 100, 50, 200, 100, 50]);
  const gray = new Float32Array(4);
  await decodeInto(file, opts({ colorMode: "grayscale" }), gray, 0);
  assert.ok(
    gray.every((v) => v === gray[0] && v > 50 && v < 200),
    `gray ${gray}`,
  );
});

test("cropToAspectRatio takes the centered window instead of squeezing", async () => {
  const dir = tempDir();
  // 6 wide, 2 high: black | white | black columns of width 2; a square crop keeps only the white middle
  const px = Buffer.alloc(6 * 2 * 3);
  for (let y = 0; y < 2; y++) for (let x = 2; x < 4; x++) px.fill(255, (y * 6 + x) * 3, (y * 6 + x + 1) * 3);
  const file = join(dir, "bars.png");
  await sharp(px, { raw: { width: 6, height: 2, channels: 3 } })
    .png()
    .toFile(file);
  const cropped = new Float32Array(12);
  await decodeInto(file, opts({ cropToAspectRatio: true }), cropped, 0);
  assert.ok(cropped.every((v) => v === 255));
  const squeezed = new Float32Array(12);
  await decodeInto(file, opts({}), squeezed, 0);
  assert.ok(squeezed.some((v) => v === 0));
  await assert.rejects(decodeInto(join(dir, "none.png"), opts({}), squeezed, 0), /missing|no such file|Input file/i);
});

/** A PNG of noise, [h, w, 3] bytes, and the file. */
async function noisePng(dir: string, h: number, w: number): Promise<{ px: Buffer; file: string }> {
  const px = Buffer.from(Array.from({ length: h * w * 3 }, (_, i) => (i * 53 + 7) % 256));
  const file = join(dir, `noise-${h}x${w}.png`);
  await sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(file);
  return { px, file };
}

/** The file decoded to [outH, outW] gives Keras's bilinear values of `px`, rounded to whole numbers (11-bit weights: at most 0.13 more off). */
async function assertKerasBilinear(file: string, px: Buffer, h: number, w: number, outH: number, outW: number): Promise<void> {
  const got = new Float32Array(outH * outW * 3);
  await decodeInto(file, opts({ size: [outH, outW], interpolation: "bilinear" }), got, 0);
  const want = resizeBilinear(Float32Array.from(px), { batch: 1, inH: h, inW: w, channels: 3, outH, outW, alignCorners: false, halfPixelCenters: true });
  want.forEach((v, i) => assert.ok(Number.isInteger(got[i]) && Math.abs(got[i] - v) <= 0.63, `${outH}x${outW} [${i}]: ${got[i]} vs ${v}`));
}

test("bilinear resizing is Keras's (tf.image.resize: half-pixel centers, no antialiasing), in whole numbers", async () => {
  const { px, file } = await noisePng(tempDir(), 9, 7);
  await assertKerasBilinear(file, px, 9, 7, 4, 3);
  await assertKerasBilinear(file, px, 9, 7, 20, 11);
});

test("cropToAspectRatio's window is Keras's smart_resize window", () => {
  assert.deepEqual(aspectWindow(375, 500, 180, 180), { top: 0, left: 62, height: 375, width: 375 });
  assert.deepEqual(aspectWindow(100, 30, 10, 20), { top: 42, left: 0, height: 15, width: 30 });
  // a window never shrinks to nothing
  assert.deepEqual(aspectWindow(1, 5, 10, 1000), { top: 0, left: 0, height: 1, width: 5 });
});

test("a photo many times the target is shrunk while decoding, to values near the full-size resize", async () => {
  const dir = tempDir();
  const file = join(dir, "large.jpg");
  // 1200x900 with smooth ramps (red across, green down) and noise in blue, so that the file is large
  const [w, h] = [1200, 900];
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) px.set([Math.round((x * 255) / (w - 1)), Math.round((y * 255) / (h - 1)), (x * 7919 + y * 104729) % 256], (y * w + x) * 3);
  await sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 95 })
    .toFile(file);
  const got = new Float32Array(30 * 40 * 3);
  await decodeInto(file, opts({ size: [30, 40], interpolation: "bilinear" }), got, 0);
  for (let y = 0; y < 30; y++)
    for (let x = 0; x < 40; x++) {
      const [red, green] = [got[(y * 40 + x) * 3], got[(y * 40 + x) * 3 + 1]];
      // the ramps' values at the output pixel's center, within JPEG's and the shrink's error
      assert.ok(Math.abs(red - ((x + 0.5) / 40) * 255) < 6, `red ${red} at ${x}`);
      assert.ok(Math.abs(green - ((y + 0.5) / 30) * 255) < 6, `green ${green} at ${y}`);
    }
});

test("an image under 4 times the target on a side decodes whole, to Keras's values", async () => {
  // 400x15 for 4x4: 100 times as wide, but under 4 times as high
  const { px, file } = await noisePng(tempDir(), 15, 400);
  await assertKerasBilinear(file, px, 15, 400, 4, 4);
});

test("photos at least 4 times the target on both sides shrink while decoding by 4 or 8, staying at least the target's size", () => {
  assert.equal(shrinkFactor(375, 500, 180, 180), 1, "cats_and_dogs_small's photos: Keras's resize from the whole image");
  assert.equal(shrinkFactor(15, 400, 4, 4), 1);
  assert.equal(shrinkFactor(1000, 750, 180, 180), 4);
  assert.equal(shrinkFactor(2000, 3000, 180, 180), 8);
  assert.equal(shrinkFactor(4000, 5000, 64, 64), 8);
});

test("a huge image shrinks while decoding for bilinear resizing, averaging, and never for nearest", async () => {
  const file = join(tempDir(), "lines.png");
  // 2048x2048, white in every 8th column, black elsewhere: a PNG of a few KB
  const [side, target] = [2048, 128];
  const px = Buffer.alloc(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x += 8) px[y * side + x] = 255;
  await sharp(px, { raw: { width: side, height: side, channels: 1 } })
    .png()
    .toFile(file);
  const at = async (interpolation: "bilinear" | "nearest") => {
    const out = new Float32Array(target * target);
    await decodeInto(file, opts({ size: [target, target], colorMode: "grayscale", interpolation }), out, 0);
    return out;
  };
  // shrunk by 8, each column averages one white column in 8 (libvips weighs the edge's a little
  // differently: 36 instead of 32); bilinear from the whole image would sample between columns
  // 16o + 7 and 16o + 8 (127.5); nearest takes column 16o + 8, white, and nothing averaged
  const shrunk = await at("bilinear");
  assert.ok(
    shrunk.every((v) => Math.abs(v - 255 / 8) <= 6),
    `bilinear: ${shrunk.slice(0, 8)}`,
  );
  const nearest = await at("nearest");
  assert.ok(
    nearest.every((v) => v === 255),
    `nearest: ${nearest.slice(0, 8)}`,
  );
});

test("mapLimit keeps at most `limit` in flight and returns results in order", async () => {
  let inFlight = 0,
    most = 0;
  const results = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (ms, i) => {
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, ms));
    inFlight--;
    return i * 10;
  });
  assert.deepEqual(results, [0, 10, 20, 30, 40, 50]);
  assert.equal(most, 2);
  await assert.rejects(
    mapLimit([1, 2], 2, async (v) => {
      if (v === 2) throw new Error("bad item");
      return v;
    }),
    /bad item/,
  );
});
