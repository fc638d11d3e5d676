import assert from "node:assert/strict";
import { test } from "node:test";
import { Conv2D, Input, Sequential, TinyDarknet, tensor } from "../../src/index.js";
import { scaleSizes, visualizeFilter, visualizeLayer } from "../../src/interpret/filters.js";
import { needsData } from "../helpers/data.js";

const noDarknet = needsData("Tiny Darknet", "imagenet-pretrained/tiny_darknet_tfjs/model.json");

/** One 3x3 filter per channel direction: filter 0 answers vertical edges, filter 1 horizontal ones. */
function edges() {
  const conv = new Conv2D({ filters: 2, kernelSize: 3, activation: "relu", name: "edges", useBias: false });
  const model = new Sequential([Input({ shape: [null, null, 1] as unknown as number[] }), conv]);
  const k = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
  const w = new Float32Array(18);
  k.forEach((v, i) => {
    w[i * 2] = v; // d/dx
    w[i * 2 + 1] = k[(i % 3) * 3 + Math.floor(i / 3)]; // d/dy
  });
  conv.weights[0].assign(tensor(w, [3, 3, 1, 2]));
  return model;
}

test("Graetz's schedule: 56, then 1.2 times larger twelve times, capped", () => {
  assert.deepEqual(scaleSizes({}).slice(0, 4), [56, 67, 80, 96]);
  assert.equal(scaleSizes({}).length, 12);
  assert.deepEqual(scaleSizes({ maxSize: 100 }), [56, 67, 80, 96, 100]);
  assert.deepEqual(scaleSizes({ size: 28, maxSize: 28 }), [28]);
});

test("gradient ascent makes the filter fire far above noise of the same statistics", () => {
  const model = edges();
  const r = visualizeFilter(model, "edges", 0, { scales: 3, steps: 20, normalization: { mean: [0.5], std: [0.25] } });
  assert.equal(r.image.shape[2], 1);
  // white noise is all edges, so an edge filter fires on it too: the optimized image still does better
  assert.ok(r.activation > 2 * r.noiseActivation, `${r.activation} vs noise ${r.noiseActivation}`);
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
  const layer = visualizeLayer(model, "edges", [0, 1], { scales: 2, steps: 5 });
  assert.equal(layer.filters.length, 2);
  assert.equal(layer.grid.shape[1], 2 * layer.filters[0].image.shape[1] + 2);
  assert.throws(() => visualizeFilter(model, "edges", 2), /layer 'edges' has 2 filters \(0\.\.1\), got filter 2/);
  assert.throws(() => visualizeFilter(model, "conv", 0), /no layer named 'conv'; layers: .*edges/);
});

test("Tiny Darknet: a filter of leaky_re_lu_6 fires at least 10x above noise", { skip: noDarknet }, async () => {
  const model = await TinyDarknet();
  const r = visualizeFilter(model, "leaky_re_lu_6", 0, { preprocess: "unit", scales: 4, steps: 10 });
  assert.ok(r.activation > 0 && r.activation > 10 * Math.max(r.noiseActivation, 0.01), `${r.activation} vs ${r.noiseActivation}`);
});
