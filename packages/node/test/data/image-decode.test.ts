import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { type DecodeOptions, decodeInto, mapLimit } from "../../src/data/image-decode.js";

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
