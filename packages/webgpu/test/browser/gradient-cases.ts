/**
 * The op-level gradient suite of the webgpu browser test: each case is a scalar function of some
 * float inputs built from core ops, whose value and gradients on the backend under test are
 * compared with the TypeScript backend's. Together they reach every kernel an op's backward pass
 * uses in the course's networks: convolutions (with the fused bias, activation and max pool),
 * pooling, dense products, softmax and the losses, reductions, data movement, resizing and the
 * recurrent cells.
 */
import {
  avgPool2d,
  biasActivation,
  concat,
  conv2d,
  conv2dMaxPool,
  exp,
  log,
  logSoftmax,
  matMul,
  max,
  maxPool2d,
  mean,
  mul,
  pad,
  randomNormal,
  randomUniform,
  reshape,
  resizeBilinear,
  rnn,
  sigmoid,
  slice,
  softmax,
  sparseSoftmaxCrossEntropyWithLogits,
  sum,
  type Tensor,
  tanh,
  tensor,
  transpose,
} from "@kerno/core";

export interface GradientCase {
  name: string;
  inputs: () => Tensor[];
  f: (xs: Tensor[]) => Tensor;
}

const normal = (shape: number[], seed: number, sd = 1) => randomNormal(shape, 0, sd, { seed });
const labels = tensor(Int32Array.from([3, 0, 9, 4, 1, 7]), [6], "int32");

export const GRADIENT_CASES: GradientCase[] = [
  {
    name: "conv2d same, bias, relu",
    inputs: () => [normal([2, 9, 9, 3], 1), normal([3, 3, 3, 5], 2, 0.5), normal([5], 3)],
    f: ([x, w, b]) => sum(conv2d(x, w, { padding: "same", bias: b, activation: "relu" })),
  },
  {
    name: "conv2d valid, stride 2, dilation-free",
    inputs: () => [normal([2, 11, 10, 4], 4), normal([3, 3, 4, 6], 5, 0.5)],
    f: ([x, w]) => sum(mul(conv2d(x, w, { strides: 2 }), conv2d(x, w, { strides: 2 }))),
  },
  {
    name: "conv2d + max pool fused",
    inputs: () => [normal([2, 12, 12, 2], 6), normal([3, 3, 2, 4], 7, 0.5), normal([4], 8)],
    f: ([x, w, b]) => sum(tanh(conv2dMaxPool(x, w, { bias: b, activation: "relu" }))),
  },
  {
    name: "max and average pooling",
    inputs: () => [normal([2, 8, 9, 3], 9)],
    f: ([x]) => sum(mul(maxPool2d(x, { padding: "same" }), avgPool2d(x, { poolSize: 3, strides: 2, padding: "same" }))),
  },
  {
    name: "dense: matMul, bias, sigmoid",
    inputs: () => [normal([6, 20], 10), normal([20, 7], 11, 0.3), normal([7], 12)],
    f: ([x, w, b]) => sum(mul(biasActivation(matMul(x, w), b, "sigmoid"), biasActivation(matMul(x, w), b, "tanh"))),
  },
  {
    name: "sparse softmax cross-entropy",
    inputs: () => [normal([6, 10], 13)],
    f: ([z]) => mean(sparseSoftmaxCrossEntropyWithLogits(labels, z)),
  },
  {
    name: "softmax, log-softmax, exp and log",
    inputs: () => [normal([4, 9], 14)],
    f: ([z]) => sum(mul(softmax(z), log(half(exp(logSoftmax(z)))))),
  },
  {
    name: "reductions: max, mean over axes",
    inputs: () => [normal([3, 5, 4], 15)],
    f: ([x]) => sum(mul(max(x, 1), mean(x, [1]))),
  },
  {
    name: "movement: transpose, slice, pad, concat, reshape",
    inputs: () => [normal([3, 4, 5], 16)],
    f: ([x]) => {
      const t = transpose(x, [2, 0, 1]);
      const s = slice(t, [1, 0, 1], [3, 3, 2]);
      const p = pad(s, [
        [0, 1],
        [1, 0],
        [0, 2],
      ]);
      return sum(mul(reshape(concat([p, p], 1), [-1]), reshape(concat([p, p], 1), [-1])));
    },
  },
  {
    name: "bilinear resize",
    inputs: () => [normal([2, 5, 6, 3], 17)],
    f: ([x]) => sum(mul(resizeBilinear(x, [8, 9]), resizeBilinear(x, [8, 9]))),
  },
  {
    name: "LSTM over a sequence",
    inputs: () => [normal([2, 4, 3], 18), normal([3, 16], 19, 0.4), normal([4, 16], 20, 0.4), normal([16], 21, 0.1)],
    f: ([x, w, r, b]) => sum(sigmoid(rnn("lstm", x, w, r, b).sequence)),
  },
  {
    name: "GRU over a sequence",
    inputs: () => [normal([2, 3, 3], 22), normal([3, 12], 23, 0.4), normal([4, 12], 24, 0.4), randomUniform([2, 12], -0.1, 0.1, { seed: 25 })],
    f: ([x, w, r, b]) => sum(tanh(rnn("gru", x, w, r, b).sequence)),
  },
];

function half(x: Tensor): Tensor {
  return mul(x, 0.5);
}
