import assert from "node:assert/strict";
import { test } from "node:test";
import { concat, conv2d, DepthwiseConv2D, depthwiseConv2d, randomNormal, slice, type Tensor } from "../../src/index.js";
import { assertClose, checkGrad } from "../helpers/gradcheck.js";
import { checkLayer } from "../helpers/layers.js";

test("DepthwiseConv2D: Keras's weights (depthwise_kernel [kh, kw, c, m], bias [c * m]) and shapes", () => {
  checkLayer(new DepthwiseConv2D({ kernelSize: 3, padding: "same" }), [8, 8, 32], [null, 8, 8, 32], 3 * 3 * 32 + 32);
  checkLayer(new DepthwiseConv2D({ kernelSize: 3, strides: 2, depthMultiplier: 2, useBias: false }), [9, 9, 4], [null, 4, 4, 8], 3 * 3 * 4 * 2);
  const l = new DepthwiseConv2D({ kernelSize: 3 });
  l.apply(randomNormal([1, 5, 5, 3]));
  assert.deepEqual(
    l.weights.map((w) => w.name),
    [`${l.name}/depthwise_kernel`, `${l.name}/bias`],
  );
  assert.throws(() => l.apply(randomNormal([1, 5, 5, 4])), /expected input \[batch, h, w, 3\], got \(1, 5, 5, 4\)/);
});

test("each channel is convolved with its own filters: the same as a conv2d per channel; gradients", () => {
  const x = randomNormal([2, 6, 5, 3], 0, 1, { seed: 1 });
  const k = randomNormal([3, 3, 3, 2], 0, 1, { seed: 2 });
  const y = depthwiseConv2d(x, k, { padding: "same", strides: 2 });
  const perChannel: Tensor[] = [];
  for (let c = 0; c < 3; c++) {
    const xc = slice(x, [0, 0, 0, c], [2, 6, 5, 1]);
    const kc = slice(k, [0, 0, c, 0], [3, 3, 1, 2]);
    perChannel.push(conv2d(xc, kc, { padding: "same", strides: 2 }));
  }
  assertClose(y.floats(), concat(perChannel, 3).floats(), 1e-4, 1e-5);
  const bias = randomNormal([6], 0, 1, { seed: 3 });
  checkGrad((a, b, c) => depthwiseConv2d(a, b, { bias: c, activation: "tanh", padding: "valid" }), [x, k, bias], { eps: 1e-3 });
});
