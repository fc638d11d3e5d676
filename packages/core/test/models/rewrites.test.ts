import assert from "node:assert/strict";
import { test } from "node:test";
import {
  abs,
  BatchNormalization,
  Conv2D,
  conv2d,
  Dense,
  Flatten,
  GlobalAveragePooling2D,
  grad,
  Input,
  InputLayer,
  type Layer,
  LeakyReLU,
  MaxPooling2D,
  Model,
  mean,
  mul,
  Rescaling,
  randomNormal,
  randomUniform,
  Sequential,
  sigmoid,
  square,
  type Tensor,
} from "../../src/index.js";
import { assertClose } from "../helpers/gradcheck.js";
import { countKernelCalls } from "../helpers/kernel-calls.js";

// count the fused kernels' calls: the rewrites must happen where they may, and only there
const fused = countKernelCalls("conv2dMaxPool");
const biasActivation = countKernelCalls("biasActivation");

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
  fused.reset();
  const got = model.predict(x) as Tensor;
  assert.equal(fused.count, 2, "both convolutions pooled in the same kernel");
  fused.reset();
  const want = layerByLayer(layers, x);
  assert.equal(fused.count, 0, "layers called alone are not fused");
  assertClose(got.floats(), want.floats(), 1e-5, 1e-6, "predictions");
});

test("training runs a Conv2D and the MaxPooling2D that alone reads it as one op: the pooled kernel with its argmax, the same gradients", async () => {
  const pooledConv = countKernelCalls("conv2dMaxPoolArgmax");
  const build = () =>
    new Sequential([
      Input({ shape: [12, 12, 2] }),
      new Conv2D({ filters: 6, kernelSize: 3, activation: "relu" }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 4, kernelSize: 3, padding: "same", activation: "tanh" }),
      new MaxPooling2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 3 }),
    ]);
  const model = build();
  const x = randomNormal([4, 12, 12, 2], 0, 1, { seed: 5 });
  const loss = (out: Tensor) => mean(square(out));
  const fusedGrads = grad(() => loss(model.call(x, { training: true }) as Tensor))(model.trainableWeights) as Tensor[];
  assert.equal(pooledConv.count, 2, "both convolutions pooled in one kernel, which keeps the argmax");
  // the same layers called one by one: two ops each, the same gradients
  pooledConv.reset();
  const layers = model.layers.filter((l) => !(l instanceof InputLayer));
  const separateGrads = grad(() => loss(layers.reduce<Tensor>((h, l) => l.apply(h, { training: true }) as Tensor, x)))(model.trainableWeights) as Tensor[];
  assert.equal(pooledConv.count, 0);
  fusedGrads.forEach((g, i) => assertClose(g.floats(), separateGrads[i].floats(), 1e-5, 1e-5, `gradient ${i}`));
  // and fit trains through it
  model.compile({ optimizer: "adam", loss: "mse" });
  const history = await model.fit(x, randomNormal([4, 3], 0, 1, { seed: 6 }), { epochs: 2, batchSize: 2, verbose: 0 });
  assert.equal(pooledConv.count, 8, "two pooled kernels a step");
  assert.ok(history.history.loss.every(Number.isFinite));
});

test("inference takes a BatchNormalization after a Conv2D without activation into its kernel and bias (and a pool after it)", () => {
  const norms = [new BatchNormalization(), new BatchNormalization({ epsilon: 0.01, center: false })];
  const layers = [
    new Conv2D({ filters: 8, kernelSize: 3 }),
    norms[0],
    new LeakyReLU({ negativeSlope: 0.1 }),
    new MaxPooling2D(),
    new Conv2D({ filters: 6, kernelSize: 3, padding: "same", useBias: false }),
    norms[1],
    new MaxPooling2D(),
    new Flatten(),
    new Dense({ units: 3 }),
  ];
  const model = new Sequential([Input({ shape: [14, 14, 2] }), ...layers]);
  // moving statistics and affine weights away from their initial 0 and 1
  norms.forEach((norm, i) => {
    for (const [j, w] of norm.weights.entries()) w.assign(abs(randomNormal(w.shape, j === 3 ? 2 : 0.5, 0.4, { seed: 10 * i + j })));
  });
  const x = randomNormal([3, 14, 14, 2], 0, 1, { seed: 4 });
  fused.reset();
  biasActivation.reset();
  const got = model.predict(x) as Tensor;
  assert.equal(fused.count, 1, "the second convolution, its normalization and its pool in one kernel");
  assert.equal(biasActivation.count, 1, "only the dense layer's bias: no normalization pass");
  const want = layerByLayer(layers, x);
  assert.equal(biasActivation.count, 4, "layer by layer, both normalizations run");
  assertClose(got.floats(), want.floats(), 1e-4, 1e-5, "predictions");
});

test("no fusion where the convolution's output has another reader, is an output or has an activation in the way", () => {
  const inputs = Input({ shape: [10, 10, 3] });
  const shared = new Conv2D({ filters: 4, kernelSize: 3, activation: "relu" }).apply(inputs);
  const pooled = new Flatten().apply(new MaxPooling2D().apply(shared));
  const side = new GlobalAveragePooling2D().apply(shared);
  const twoReaders = new Model({ inputs, outputs: [pooled, side] });
  const visible = new Conv2D({ filters: 4, kernelSize: 3 }).apply(inputs);
  const asOutput = new Model({ inputs, outputs: [new MaxPooling2D().apply(visible), visible] });
  const softmaxConv = new Model({ inputs, outputs: new MaxPooling2D().apply(new Conv2D({ filters: 4, kernelSize: 3, activation: "softmax" }).apply(inputs)) });
  // a normalization after a relu convolution stays a layer of its own, and so does the pool after it
  const reluNorm = new Model({
    inputs,
    outputs: new MaxPooling2D().apply(new BatchNormalization().apply(new Conv2D({ filters: 4, kernelSize: 3, activation: "relu" }).apply(inputs))),
  });
  const x = randomNormal([2, 10, 10, 3], 0, 1, { seed: 2 });
  fused.reset();
  biasActivation.reset();
  for (const model of [twoReaders, asOutput, softmaxConv, reluNorm]) model.predict(x);
  assert.equal(fused.count, 0);
  assert.equal(biasActivation.count, 1, "the normalization after the relu convolution ran");
});

test("a Rescaling without offset that alone feeds a Conv2D goes into its kernel: the same predictions and gradients, no rescaled copy", () => {
  const rescaled = countKernelCalls("binary");
  const build = (offset: number) => [
    new Rescaling({ scale: 1 / 255, offset }),
    new Conv2D({ filters: 6, kernelSize: 3, padding: "same", activation: "relu" }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 4, kernelSize: 3 }),
    new Flatten(),
    new Dense({ units: 2 }),
  ];
  const layers = build(0);
  const model = new Sequential([Input({ shape: [9, 9, 3] }), ...layers]);
  const x = randomUniform([3, 9, 9, 3], 0, 255, { seed: 7 });
  rescaled.reset();
  fused.reset();
  const got = model.predict(x) as Tensor;
  assert.equal(rescaled.count, 1, "one product: the kernel's with the scale, not the batch's");
  assert.equal(fused.count, 1);
  assertClose(got.floats(), layerByLayer(layers, x).floats(), 1e-4, 1e-5, "predictions");
  // training: the first kernel's gradient flows through the product with the scale
  const loss = (out: Tensor) => mean(square(out));
  const fusedGrads = grad(() => loss(model.call(x, { training: true }) as Tensor))(model.trainableWeights) as Tensor[];
  const separateGrads = grad(() => loss(layerByLayer(layers, x)))(model.trainableWeights) as Tensor[];
  fusedGrads.forEach((g, i) => assertClose(g.floats(), separateGrads[i].floats(), 1e-4, 1e-5, `gradient ${i}`));
  // and the input's (filter visualization's gradient ascent on an image)
  const inputGrad = grad((input: Tensor) => loss(model.call(input, { training: true }) as Tensor))(x);
  assertClose(inputGrad.floats(), grad((input: Tensor) => loss(layerByLayer(layers, input)))(x).floats(), 1e-4, 1e-7, "input gradient");
  // with an offset (not a product with the kernel where padding adds zeros) it stays a layer
  const offsetModel = new Sequential([Input({ shape: [9, 9, 3] }), ...build(-1)]);
  fused.reset();
  rescaled.reset();
  offsetModel.predict(x);
  assert.equal(fused.count, 1, "the pooled convolution is still fused");
  assert.equal(rescaled.count, 2, "the rescaling ran as a layer of its own: x * scale + offset");
});

test("a Rescaling before a Conv2D whose output is the model's, asked for its logits, stays a layer: the logits come before the activation", () => {
  const conv = new Conv2D({ filters: 2, kernelSize: 1, activation: "sigmoid" });
  const model = new Sequential([Input({ shape: [5, 5, 1] }), new Rescaling({ scale: 0.5 }), conv]);
  const x = randomNormal([2, 5, 5, 1], 0, 1, { seed: 8 });
  const [logits] = model.forward([x], false, [true]);
  const want = conv2d(mul(x, 0.5), conv.kernel, { bias: conv.bias! });
  assertClose(logits.floats(), want.floats(), 1e-6, 1e-6, "logits");
  // without the flag, the fused sigmoid
  assertClose((model.predict(x) as Tensor).floats(), sigmoid(want).floats(), 1e-6, 1e-6, "probabilities");
});
