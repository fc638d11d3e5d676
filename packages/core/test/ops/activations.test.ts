import assert from "node:assert/strict";
import { test } from "node:test";
import {
  biasActivation,
  elu,
  gelu,
  leakyRelu,
  logSoftmax,
  mul,
  relu,
  scaleShift,
  selu,
  sigmoid,
  softmax,
  softplus,
  sum,
  type Tensor,
  tanh,
  tensor,
  valueAndGrad,
} from "../../src/index.js";
import { golden, goldenData, goldenTensor } from "../helpers/golden.js";
import { assertClose, checkGrad, rand } from "../helpers/gradcheck.js";

test("activation values", () => {
  const x = tensor([-2, -0.5, 0.5, 2]);
  assertClose(relu(x).data(), [0, 0, 0.5, 2]);
  assertClose(leakyRelu(x, 0.1).data(), [-0.2, -0.05, 0.5, 2]);
  assertClose(elu(x).data(), [Math.expm1(-2), Math.expm1(-0.5), 0.5, 2]);
  assertClose(selu(tensor([1])).data(), [1.0507009873554805]);
  assertClose(gelu(tensor([1])).data(), [0.8413447460685429], 1e-6);
  assertClose(sigmoid(tensor([0, 100, -100])).data(), [0.5, 1, 0]);
  assertClose(tanh(tensor([0.5])).data(), [Math.tanh(0.5)]);
  assertClose(softplus(tensor([0, 100, -100])).data(), [Math.log(2), 100, 0], 1e-6, 1e-30);
});

test("gradients of activations (inputs away from kinks)", () => {
  const x = tensor([-1.7, -0.6, -0.2, 0.3, 0.8, 1.9]);
  const fns: ((t: Tensor) => Tensor)[] = [relu, (t) => leakyRelu(t, 0.3), elu, selu, gelu, sigmoid, tanh, softplus];
  for (const f of fns) checkGrad((t) => f(t), [x]);
});

test("softmax and logSoftmax over each axis, with gradients", () => {
  const x = rand([2, 3, 4], 3, -3, 3);
  for (const axis of [0, 1, 2, -1]) {
    checkGrad((t) => softmax(t, axis), [x]);
    checkGrad((t) => logSoftmax(t, axis), [x]);
  }
  const big = softmax(tensor([[1000, 1000]]));
  assertClose(big.data(), [0.5, 0.5]);
});

test("softmax matches PyTorch, value and gradient", () => {
  const c = golden("softmax");
  const { value, grads } = valueAndGrad((x: ReturnType<typeof tensor>) => sum(mul(softmax(x), goldenTensor(c, "dy"))))(goldenTensor(c, "x"));
  assertClose(softmax(goldenTensor(c, "x")).data(), goldenData(c, "y"), 1e-5, 1e-6);
  assertClose(grads.data(), goldenData(c, "dx"), 1e-4, 1e-6);
  assert.ok(Number.isFinite(value.item()));
});

test("biasActivation fuses bias and activation, with gradients", () => {
  const x = rand([3, 4], 1),
    b = rand([4], 2);
  for (const act of ["linear", "relu", "sigmoid", "tanh"] as const) checkGrad((t, u) => biasActivation(t, u, act), [x, b], { eps: 1e-3 });
  assert.throws(() => biasActivation(x, rand([3], 1)), /bias of shape \[3\] does not match the last axis of \[3,4\]/);
});

test("scaleShift is x * scale + shift along the last axis in one pass, with gradients", () => {
  const x = tensor([1, -2, 3, 0.5, 4, -1], [2, 1, 3]),
    scale = tensor([2, -1, 0.5], [3]),
    shift = tensor([0.25, 1, -3], [3]);
  assertClose(scaleShift(x, scale, shift).data(), [2.25, 3, -1.5, 1.25, -3, -3.5], 1e-6, 0);
  checkGrad((t, s, h) => scaleShift(t, s, h), [rand([2, 3, 4], 3), rand([4], 4), rand([4], 5)], { eps: 1e-3 });
  assert.throws(() => scaleShift(x, rand([2], 1), shift), /scaleShift: scale of shape \[2\] does not match the last axis of \[2,1,3\]/);
});
