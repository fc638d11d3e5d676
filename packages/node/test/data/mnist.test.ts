import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { fashionMnist, gunzipWhole, mnist, mnistBytes } from "../../src/data/mnist.js";
import { DATA_DIR, needsData } from "../helpers/data.js";

const shared = DATA_DIR;
const skip = needsData("MNIST", "mnist/train-images-idx3-ubyte.gz");
if (skip) console.log(`skipping real-data tests: ${skip}`);

test("gunzipWhole: one buffer of the contents' size, and right where the trailer's size is not the whole", () => {
  const payload = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251);
  const out = gunzipWhole(gzipSync(payload));
  assert.deepEqual(new Uint8Array(out), payload);
  // one allocation, no chunks copied into a second: the buffer is the contents and the spare byte
  assert.equal(out.buffer.byteLength, payload.length + 1);
  // two gzip members: the trailer gives only the second one's size
  const two = Buffer.concat([gzipSync(payload), gzipSync(payload.subarray(0, 10))]);
  assert.deepEqual(new Uint8Array(gunzipWhole(two)), new Uint8Array([...payload, ...payload.subarray(0, 10)]));
  assert.equal(gunzipWhole(gzipSync(new Uint8Array(0))).length, 0);
});

test("MNIST and Fashion-MNIST load with the official counts", { skip }, async () => {
  const d = await mnist();
  assert.deepEqual(d.train.images.shape, [60000, 28, 28]);
  assert.deepEqual(d.test.labels.shape, [10000]);
  const hist = new Array(10).fill(0);
  for (const l of d.train.labels.data()) hist[l]++;
  assert.deepEqual(hist, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  const f = await fashionMnist();
  assert.equal(f.test.images.shape[0], 10000);
  assert.equal(f.classNames[9], "Ankle boot");
});

test("a truncated cached file is a checksum error and stays as it was", { skip }, async () => {
  const dir = tempDir();
  mkdirSync(join(dir, "mnist"));
  for (const name of ["train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
    copyFileSync(join(shared, "mnist", name), join(dir, "mnist", name));
  const bytes = readFileSync(join(shared, "mnist", "train-images-idx3-ubyte.gz"));
  writeFileSync(join(dir, "mnist", "train-images-idx3-ubyte.gz"), bytes.subarray(0, 1000));
  process.env.KERNO_DATA_DIR = dir;
  await assert.rejects(mnist(), /train-images-idx3-ubyte.gz: checksum mismatch .* corrupt or truncated/);
  assert.equal(readFileSync(join(dir, "mnist", "train-images-idx3-ubyte.gz")).length, 1000);
  process.env.KERNO_DATA_DIR = shared;
});

test("mnistBytes gives Keras's load_data: uint8 pixels [n, 28, 28] with int32 labels, the same digits as mnist()", { skip }, async () => {
  const bytes = await mnistBytes();
  assert.deepEqual(bytes.train.shape, [60000, 28, 28]);
  assert.ok(bytes.train.pixels instanceof Uint8Array);
  assert.equal(bytes.test.labels.length, 10000);
  const floats = await mnist();
  assert.deepEqual(Array.from(floats.test.images.floats().subarray(0, 784 * 2)), Array.from(bytes.test.pixels.subarray(0, 784 * 2)));
  assert.equal((await mnistBytes({ fashion: true })).classNames[9], "Ankle boot");
});
