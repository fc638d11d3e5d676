import assert from "node:assert/strict";
import { test } from "node:test";
import { pixelBatches } from "../../src/data/pixel-batches.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const pixels = Uint8Array.from({ length: 5 * 4 }, (_, i) => i * 10);
const labels = Int32Array.of(0, 1, 2, 3, 4);

test("pixelBatches converts each batch of bytes to float32 times the scale, with its labels", async () => {
  const batches = await pixelBatches(pixels, [5, 2, 2], labels, { batchSize: 2, scale: 0.5, shuffle: false }).toArray();
  assert.deepEqual(
    batches.map((b) => (b.x as Tensor).shape),
    [
      [2, 2, 2],
      [2, 2, 2],
      [1, 2, 2],
    ],
  );
  assert.deepEqual(
    Array.from((batches[1].x as Tensor).floats()),
    [40, 45, 50, 55, 60, 65, 70, 75].map((v) => v / 1),
  );
  assert.deepEqual(Array.from((batches[2].y as Tensor).data()), [4]);
  assert.equal((batches[2].y as Tensor).dtype, "int32");
});

test("a seeded shuffle draws a new order each pass, the same across runs, pixels staying with their labels", async () => {
  const order = async (ds: ReturnType<typeof pixelBatches>) => (await ds.toArray()).flatMap((b) => Array.from((b.y as Tensor).data()));
  const a = pixelBatches(pixels, [5, 4], labels, { batchSize: 2, seed: 3 });
  const b = pixelBatches(pixels, [5, 4], labels, { batchSize: 2, seed: 3 });
  const passes = [await order(a), await order(a)];
  assert.deepEqual(passes, [await order(b), await order(b)]);
  assert.notDeepEqual(passes[0], passes[1]);
  for (const batch of await a.toArray()) {
    const x = (batch.x as Tensor).floats();
    Array.from((batch.y as Tensor).data()).forEach((label, i) => assert.equal(x[i * 4], label * 40));
  }
});

test("pixelBatches names what does not fit: pixels against the shape, labels against the images, the batch size", () => {
  assert.throws(() => pixelBatches(pixels, [5, 3], labels, { batchSize: 2 }), /pixelBatches: shape \[5, 3\] needs 15 pixels, got 20/);
  assert.throws(() => pixelBatches(pixels, [5, 4], labels.subarray(1), { batchSize: 2 }), /pixelBatches: 5 images but 4 labels/);
  assert.throws(() => pixelBatches(pixels, [5, 4], labels, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  assert.throws(() => pixelBatches(pixels, [20], labels, { batchSize: 2 }), /shape \[20\] is not \[n, \.\.\.image\]/);
});
