import assert from "node:assert/strict";
import { test } from "node:test";
import { Conv2D, Dataset, Input, Sequential, tensor } from "../../src/index.js";
import { featureMaps, filterActivation, topActivating } from "../../src/interpret/feature-maps.js";

/** Channel 0 copies the image, channel 1 its negative (1x1 convolution). */
function copier() {
  const conv = new Conv2D({ filters: 2, kernelSize: 1, name: "copy", useBias: false });
  const model = new Sequential([Input({ shape: [4, 4, 1] }), conv]);
  conv.weights[0].assign(tensor([1, -1], [1, 1, 1, 2]));
  return model;
}

test("featureMaps: one stretched tile per channel in a grid", () => {
  const model = copier();
  const img = tensor(
    Float32Array.from({ length: 16 }, (_, i) => i),
    [4, 4, 1],
  );
  const r = featureMaps(model, "copy", img, { columns: 2 });
  assert.deepEqual(r.grid.shape, [4, 10, 1]);
  const g = r.grid.floats();
  assert.deepEqual([g[0], g[3], g[6], g[9]], [0, 51, 255, 204], "channel 0 rises left to right, channel 1 falls");
  assert.deepEqual(r.activations.shape, [1, 4, 4, 2]);
  assert.throws(() => featureMaps(model, "copy", img, { channels: [2] }), /has 2 channels, got 2/);
  assert.throws(() => featureMaps(model, "copy", tensor(new Float32Array(9), [3, 3, 1])), /takes images of shape \[4, 4, 1\], got \[3, 3, 1\]/);
});

test("topActivating ranks real inputs by the filter's mean activation, from tensors or a Dataset", async () => {
  const model = copier();
  const brightness = [3, 9, 1, 7, 5];
  const images = tensor(
    Float32Array.from({ length: 5 * 16 }, (_, i) => brightness[Math.floor(i / 16)]),
    [5, 4, 4, 1],
  );
  const top = await topActivating(model, "copy", 0, images, 3);
  assert.deepEqual(
    top.map((t) => [t.index, t.activation]),
    [
      [1, 9],
      [3, 7],
      [4, 5],
    ],
  );
  assert.deepEqual(top[0].image.shape, [4, 4, 1]);
  const fromDataset = await topActivating(model, "copy", 1, Dataset.fromTensors(images, tensor([0, 0, 0, 0, 0])).batch(2), 1);
  assert.deepEqual([fromDataset[0].index, fromDataset[0].activation], [2, -1], "the darkest image excites the negative channel most");
});

test("filterActivation: a filter's mean and peak on one image, and its rank among the layer's filters", () => {
  // 1x1 convolution over one channel: filter k multiplies the pixel by k - 1 (filter 0 negative, 1 silent)
  const conv = new Conv2D({ filters: 4, kernelSize: 1, useBias: false, name: "c" });
  const model = new Sequential([Input({ shape: [2, 2, 1] }), conv]);
  conv.weights[0].assign(tensor([-1, 0, 1, 2], [1, 1, 1, 4]));
  const image = tensor([1, 2, 3, 6], [2, 2, 1]);
  const r = filterActivation(model, "c", image, 2);
  assert.deepEqual(r, { filter: 2, activation: 3, peak: 6, rank: 2, filters: 4, median: 1.5 });
  assert.equal(filterActivation(model, "c", image, 3).rank, 1);
  assert.throws(() => filterActivation(model, "c", image, 4), /filterActivation: layer 'c' has 4 filters \(0 to 3\), got 4/);
});
