import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { assertClose } from "../../packages/core/test/helpers/gradcheck.js";
import { DATA_DIR, needsData } from "../../packages/node/test/helpers/data.js";
import { Conv2D, Dense, div, Flatten, Input, loadImage, randomNormal, Sequential, TinyDarknet, tensor } from "../../src/index.js";
import { gradCam, integratedGradients, lastConvLayer, occlusion, saliency, smoothGrad } from "../../src/interpret/attribution.js";

const shared = DATA_DIR;
const noDarknet = needsData("Tiny Darknet", "imagenet-pretrained/tiny_darknet_tfjs/model.json");

/** Class 1's logit is the sum of the top-left 2x2 pixels; class 0's is zero. */
function topLeft() {
  const dense = new Dense({ units: 2, activation: "softmax", name: "out" });
  const model = new Sequential([Input({ shape: [4, 4, 1] }), new Flatten(), dense]);
  const w = new Float32Array(32);
  for (const p of [0, 1, 4, 5]) w[p * 2 + 1] = 1;
  dense.weights[0].assign(tensor(w, [16, 2]));
  return model;
}

const image = tensor(
  Float32Array.from({ length: 16 }, (_, i) => (i % 3) + 1),
  [4, 4, 1],
);

test("saliency and SmoothGrad of a linear score are |weights|; occlusion finds the same pixels", () => {
  const model = topLeft();
  const s = saliency(model, image, { classIndex: 1 });
  assert.deepEqual(Array.from(s.map.floats()), [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(s.classIndex, 1);
  assertClose(Array.from(smoothGrad(model, image, { classIndex: 1, samples: 4 }).map.floats()), Array.from(s.map.floats()), 1e-5, 1e-6);
  const o = occlusion(model, image, { classIndex: 1, patch: 1, stride: 1 });
  const v = image.floats();
  const want = new Array(16).fill(0);
  for (const p of [0, 1, 4, 5]) want[p] = v[p];
  assert.deepEqual(Array.from(o.map.floats()), want);
  assert.throws(() => saliency(model, image, { classIndex: 2 }), /the model has 2 classes, got classIndex 2/);
});

test("integrated gradients are complete: exactly for a linear score, within 1% for a ReLU network", () => {
  const linear = integratedGradients(topLeft(), image, { classIndex: 1, steps: 8 });
  assert.ok(Math.abs(linear.sum - linear.delta) < 1e-4, `${linear.sum} vs ${linear.delta}`);
  const net = new Sequential([
    Input({ shape: [8, 8, 3] }),
    new Conv2D({ filters: 6, kernelSize: 3, activation: "relu" }),
    new Conv2D({ filters: 4, kernelSize: 3, activation: "relu" }),
    new Flatten(),
    new Dense({ units: 3 }),
  ]);
  const x = randomNormal([8, 8, 3], 0.5, 0.3, { seed: 4 });
  const ig = integratedGradients(net, x, { steps: 128 });
  assert.ok(Math.abs(ig.sum - ig.delta) < 0.01 * Math.abs(ig.delta), `attributions ${ig.sum}, output difference ${ig.delta}`);
  assert.deepEqual(ig.attributions.shape, [8, 8, 3]);
});

test("Grad-CAM puts the heat where the evidence is", () => {
  const conv = new Conv2D({ filters: 2, kernelSize: 1, useBias: false, name: "maps" });
  const dense = new Dense({ units: 2, name: "out" });
  const model = new Sequential([Input({ shape: [4, 4, 1] }), conv, new Flatten(), dense]);
  conv.weights[0].assign(tensor([1, 1], [1, 1, 1, 2]));
  const w = new Float32Array(64);
  for (let p = 0; p < 16; p++) w[p * 2 * 2 + 1] = 1; // class 1 reads channel 0 everywhere
  dense.weights[0].assign(tensor(w, [32, 2]));
  const blob = tensor(
    Float32Array.from({ length: 16 }, (_, i) => (i === 0 || i === 1 || i === 4 ? 5 : 0)),
    [4, 4, 1],
  );
  assert.equal(lastConvLayer(model), "maps");
  const cam = gradCam(model, blob, { classIndex: 1 });
  const m = cam.map.floats();
  const inside = m[0] + m[1] + m[4] + m[5];
  assert.ok(inside > 0.9 * m.reduce((a, b) => a + b, 0), `heat ${Array.from(m)}`);
  assert.throws(() => gradCam(model, blob, { layer: "out" }), /not feature maps/);
});

test("Grad-CAM on Tiny Darknet: the elephants hold most of the heat", { skip: noDarknet }, async () => {
  const model = await TinyDarknet();
  const photo = await loadImage(join(shared, "imagenet-pretrained/images/creative_commons_elephant.jpg"), { size: [224, 224], resample: "pillow-bilinear" });
  const cam = gradCam(model, div(photo, 255));
  // both elephants: x 85..525, y 45..240 of the 525x351 photo (46.6% of its area)
  const [x0, x1, y0, y1] = [Math.floor((85 / 525) * 224), 224, Math.floor((45 / 351) * 224), Math.ceil((240 / 351) * 224)];
  const m = cam.map.floats();
  let inside = 0,
    total = 0;
  for (let y = 0; y < 224; y++)
    for (let x = 0; x < 224; x++) {
      total += m[y * 224 + x];
      if (y >= y0 && y < y1 && x >= x0 && x < x1) inside += m[y * 224 + x];
    }
  assert.ok(inside / total > 0.5, `${((100 * inside) / total).toFixed(1)}% of the heat inside the box`);
});
