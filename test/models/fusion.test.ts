import assert from "node:assert/strict";
import { after, test } from "node:test";
import { backend } from "../../src/backends/registry.js";
import {
  Conv2D,
  Dense,
  Flatten,
  GlobalAveragePooling2D,
  Input,
  type Layer,
  MaxPooling2D,
  Model,
  randomNormal,
  Sequential,
  type Tensor,
} from "../../src/index.js";
import { assertClose } from "../helpers/gradcheck.js";

// count the fused kernel's calls: inference must fuse where it may, and only there
const kernels = backend();
const original = kernels.conv2dMaxPool;
let fusedCalls = 0;
kernels.conv2dMaxPool = (...args) => {
  fusedCalls++;
  return original.apply(kernels, args);
};
after(() => {
  kernels.conv2dMaxPool = original;
});

/** The model's layers called one by one, each alone (nothing fused). */
const layerByLayer = (layers: Layer[], x: Tensor) => layers.reduce((h, layer) => layer.apply(h) as Tensor, x);

test("inference runs a Conv2D and the MaxPooling2D that alone reads it as one kernel, with the same predictions", () => {
  const layers = [
    new Conv2D({ filters: 8, kernelSize: 3, activation: "relu" }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 16, kernelSize: 3, padding: "same", activation: "tanh" }),
    new MaxPooling2D({ poolSize: 3, strides: 2, padding: "same" }),
    new Flatten(),
    new Dense({ units: 3, activation: "softmax" }),
  ];
  const model = new Sequential([Input({ shape: [14, 13, 2] }), ...layers]);
  const x = randomNormal([5, 14, 13, 2], 0, 1, { seed: 1 });
  fusedCalls = 0;
  const got = model.predict(x) as Tensor;
  assert.equal(fusedCalls, 2, "both convolutions pooled in the same kernel");
  fusedCalls = 0;
  const want = layerByLayer(layers, x);
  assert.equal(fusedCalls, 0, "layers called alone are not fused");
  assertClose(got.floats(), want.floats(), 1e-5, 1e-6, "predictions");
  // training mode (and any tape) runs the layers as they are
  model.call(x, { training: true });
  assert.equal(fusedCalls, 0, "no fusion in training mode");
});

test("no fusion where the convolution's output has another reader, is an output or keeps an unfused activation", () => {
  const inputs = Input({ shape: [10, 10, 3] });
  const shared = new Conv2D({ filters: 4, kernelSize: 3, activation: "relu" }).apply(inputs);
  const pooled = new Flatten().apply(new MaxPooling2D().apply(shared));
  const side = new GlobalAveragePooling2D().apply(shared);
  const twoReaders = new Model({ inputs, outputs: [pooled, side] });
  const visible = new Conv2D({ filters: 4, kernelSize: 3 }).apply(inputs);
  const asOutput = new Model({ inputs, outputs: [new MaxPooling2D().apply(visible), visible] });
  const softmaxConv = new Model({ inputs, outputs: new MaxPooling2D().apply(new Conv2D({ filters: 4, kernelSize: 3, activation: "softmax" }).apply(inputs)) });
  const x = randomNormal([2, 10, 10, 3], 0, 1, { seed: 2 });
  fusedCalls = 0;
  for (const model of [twoReaders, asOutput, softmaxConv]) model.predict(x);
  assert.equal(fusedCalls, 0);
});

test("a Conv2D asked to pool after an activation it cannot fuse says so", () => {
  const conv = new Conv2D({ filters: 4, kernelSize: 3, activation: "softmax" });
  const x = randomNormal([1, 6, 6, 1], 0, 1, { seed: 3 });
  conv.apply(x);
  assert.throws(() => conv.call(x, { maxPool: { poolSize: 2 } }), /Conv2D 'conv2d_\d+': a max pool cannot follow activation 'softmax' in the same kernel/);
});
