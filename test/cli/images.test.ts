import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { inputImages, inputScale, isDigitModel } from "../../src/cli/images.js";
import { Dense, Flatten, Input, Rescaling, Sequential } from "../../src/index.js";

const model = (shape: number[]) => new Sequential([Input({ shape }), new Flatten(), new Dense({ units: 2 })]);

test("digit models take 0..1 digits, photo models 0..255 photos at their input size, unless --input-scale says otherwise", async () => {
  const digit = model([28, 28, 1]),
    photo = model([6, 8, 3]);
  assert.equal(isDigitModel(digit), true);
  assert.equal(inputScale(digit, {}), 1);
  assert.equal(inputScale(photo, {}), 255);
  assert.equal(inputScale(photo, { "input-scale": "1" }), 1);
  assert.throws(() => inputScale(photo, { "input-scale": "2" }), /--input-scale must be 1 or 255/);
  const file = join(tempDir(), "p.png");
  await sharp({ create: { width: 30, height: 20, channels: 3, background: { r: 255, g: 0, b: 51 } } })
    .png()
    .toFile(file);
  const x = await inputImages(photo, [file, file], 1);
  assert.deepEqual(x.shape, [2, 6, 8, 3]);
  assert.deepEqual(
    Array.from(x.floats().subarray(0, 3)).map((v) => +v.toFixed(2)),
    [1, 0, 0.2],
  );
  assert.deepEqual((await inputImages(digit, [file], 1)).shape, [1, 28, 28, 1]);
});

test("a 28x28 grayscale model that rescales its own input is a photo model (kerno train --images), not an MNIST digit one", () => {
  const own = new Sequential([Input({ shape: [28, 28, 1] }), new Rescaling({ scale: 1 / 255 }), new Flatten(), new Dense({ units: 3 })]);
  assert.equal(isDigitModel(own), false);
  assert.equal(inputScale(own, {}), 255);
});
