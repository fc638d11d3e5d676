import assert from "node:assert/strict";
import { test } from "node:test";
import { Conv2D, Dense, Flatten, Input, Model, noGrad, randomNormal, Sequential, type Tensor, tensor } from "../../src/index.js";
import { channel, checkImage, forward, probe } from "../../src/interpret/probe.js";

function cnn() {
  return new Sequential([
    Input({ shape: [8, 8, 3] }),
    new Conv2D({ filters: 4, kernelSize: 3, activation: "relu", name: "c1" }),
    new Conv2D({ filters: 5, kernelSize: 3, name: "c2" }),
    new Flatten({ name: "flat" }),
    new Dense({ units: 3, name: "out" }),
  ]);
}

test("a probe runs to a layer, at any size the convolutions accept, and finishes from a given activation", () => {
  const model = cnn();
  const x = randomNormal([2, 8, 8, 3], 0, 1, { seed: 1 });
  const p = probe(model, "c2");
  const a = noGrad(() => p.run(x));
  const sub = new Model({ inputs: model.inputs, outputs: model.getLayer("c2").output });
  assert.deepEqual(Array.from(a.floats()), Array.from((sub.predict(x) as Tensor).floats()));
  assert.deepEqual(p.run(randomNormal([1, 20, 13, 3], 0, 1, { seed: 2 })).shape, [1, 16, 9, 5], "larger than the model's input");
  const whole = model.predict(x) as Tensor;
  assert.deepEqual(Array.from(p.finish(x, a).floats()), Array.from(whole.floats()));
  assert.deepEqual(Array.from(forward(model, x).floats()), Array.from(whole.floats()));
  // a given activation replaces the layer's: zeros through Flatten and a bias-free-at-init Dense give zeros
  const zeroed = p.finish(x, tensor(new Float32Array(a.size), a.shape));
  assert.deepEqual(Array.from(zeroed.floats()), [0, 0, 0, 0, 0, 0]);
});

test("errors name the layers, the filter count and the expected image shape", () => {
  const model = cnn();
  assert.throws(() => probe(model, "nope"), /no layer named 'nope'; layers: .*c1, c2, flat, out/);
  const a = randomNormal([1, 4, 4, 5], 0, 1, { seed: 1 });
  assert.throws(() => channel(a, 5, "visualizeFilter", "c2"), /layer 'c2' has 5 filters \(0\.\.4\), got filter 5/);
  assert.equal(channel(a, 4, "t", "c2").shape[3], 1);
  assert.throws(
    () => checkImage(model, randomNormal([7, 8, 3], 0, 1, { seed: 1 }), "gradCam"),
    /gradCam: the model takes images of shape \[8, 8, 3\], got \[7, 8, 3\]/,
  );
  checkImage(model, randomNormal([1, 8, 8, 3], 0, 1, { seed: 1 }), "ok");
});
