import assert from "node:assert/strict";
import { test } from "node:test";
import { Conv1D, Conv2D, randomNormal } from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";

test("Conv2D: Keras output shapes and (kh*kw*in + 1) * filters parameters", () => {
  checkLayer(new Conv2D({ filters: 32, kernelSize: 3, activation: "relu" }), [28, 28, 1], [null, 26, 26, 32], 320);
  checkLayer(new Conv2D({ filters: 64, kernelSize: 3 }), [13, 13, 32], [null, 11, 11, 64], 18496);
  checkLayer(new Conv2D({ filters: 128, kernelSize: 3 }), [5, 5, 64], [null, 3, 3, 128], 73856);
  checkLayer(
    new Conv2D({ filters: 64, kernelSize: 3, padding: "same" }),
    [224, 224, 3].map((d, i) => (i < 2 ? 8 : d)),
    [null, 8, 8, 64],
    1792,
  );
  checkLayer(new Conv2D({ filters: 4, kernelSize: [3, 2], strides: 2, padding: "same" }), [7, 7, 3], [null, 4, 4, 4], 3 * 2 * 3 * 4 + 4);
  checkLayer(new Conv2D({ filters: 2, kernelSize: 3, dilationRate: 2, useBias: false }), [9, 9, 1], [null, 5, 5, 2], 18);
  const c = new Conv2D({ filters: 8, kernelSize: 3 });
  checkLayer(c, [6, 6, 3], [null, 4, 4, 8], 224);
  assert.deepEqual(c.kernel.shape, [3, 3, 3, 8]);
});

test("Conv1D: output shape and parameters", () => {
  checkLayer(new Conv1D({ filters: 16, kernelSize: 3 }), [24, 6], [null, 22, 16], 3 * 6 * 16 + 16);
  checkLayer(new Conv1D({ filters: 4, kernelSize: 5, padding: "same", strides: 2 }), [11, 2], [null, 6, 4], 44);
});

test("conv errors name the layer and the shapes", () => {
  const c = new Conv2D({ filters: 4, kernelSize: 3, name: "conv2d_1" });
  assert.throws(() => c.apply(randomNormal([28, 28])), /Conv2D 'conv2d_1': expected input of rank 4 \[batch, h, w, channels\], got \(28, 28\)/);
  const d = new Conv2D({ filters: 4, kernelSize: 3, name: "conv2d_2" });
  d.apply(randomNormal([1, 8, 8, 3]));
  assert.throws(() => d.apply(randomNormal([1, 8, 8, 1])), /Conv2D 'conv2d_2': expected input with 3 channels, got \(1, 8, 8, 1\)/);
  assert.throws(() => new Conv2D({ filters: 4, kernelSize: 3, padding: "full" as never }), /padding must be 'valid' or 'same'/);
});
