/**
 * The benchmark's models written with ops and Variables: the same layers, initializers and
 * optimizers as the course's Keras models, so that a training step here is what fit() runs.
 */

import { backend } from "@kerno/core/backends/registry.js";
import {
  biasActivation,
  conv2d,
  conv2dMaxPool,
  grad,
  matMul,
  maxPool2d,
  mean,
  randomUniform,
  reshape,
  rnn,
  sparseSoftmaxCrossEntropyWithLogits,
  square,
  sub,
  type Tensor,
  Variable,
  zeros,
} from "../../src/index.js";

type Params = Variable[];

function glorot(shape: number[], fanIn: number, fanOut: number, seed: number): Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return new Variable(randomUniform(shape, -limit, limit, { seed }));
}

export function countParams(p: Params): number {
  return p.reduce((s, v) => s + v.size, 0);
}

/** RMSprop with Keras's defaults (lr 1e-3, rho 0.9, epsilon 1e-7). */
export function rmsprop(params: Params, lr = 1e-3): (grads: Tensor<"float32">[]) => void {
  const slots = params.map((v) => new Float32Array(v.size));
  return (grads) => params.forEach((v, i) => backend().rmspropUpdate(v.values, grads[i].values, slots[i], null, lr, 0.9, 0, 1e-7));
}

/** Adam with Keras's defaults (lr 1e-3, betas 0.9 / 0.999, epsilon 1e-7). */
export function adam(params: Params, lr = 1e-3): (grads: Tensor<"float32">[]) => void {
  const m = params.map((v) => new Float32Array(v.size)),
    v2 = params.map((v) => new Float32Array(v.size));
  let step = 0;
  return (grads) => {
    step++;
    params.forEach((v, i) => backend().adamUpdate(v.values, grads[i].values, m[i], v2[i], lr, 0.9, 0.999, 1e-7, step, 0));
  };
}

/** The seed's MNIST CNN: Conv2D 32/64/128 3x3 relu, MaxPooling2D 2, Flatten, Dense 10 (104,202 parameters). */
export function mnistCnn(seed = 1) {
  const p = [
    glorot([3, 3, 1, 32], 9, 288, seed),
    new Variable(zeros([32])),
    glorot([3, 3, 32, 64], 288, 576, seed + 1),
    new Variable(zeros([64])),
    glorot([3, 3, 64, 128], 576, 1152, seed + 2),
    new Variable(zeros([128])),
    glorot([1152, 10], 1152, 10, seed + 3),
    new Variable(zeros([10])),
  ];
  const logits = (x: Tensor): Tensor => {
    // conv2dMaxPool: the op the graph runner rewrites a Conv2D and its MaxPooling2D into
    let h = conv2dMaxPool(x, p[0], { bias: p[1], activation: "relu" });
    h = conv2dMaxPool(h, p[2], { bias: p[3], activation: "relu" });
    h = conv2d(h, p[4], { bias: p[5], activation: "relu" });
    return biasActivation(matMul(reshape(h, [h.shape[0], -1]), p[6]), p[7]);
  };
  return { params: p, logits };
}

/** The seed's dense MNIST model: Flatten, Dense 64 relu, Dense 10 (50,890 parameters). */
export function mnistDense(seed = 1) {
  const p = [glorot([784, 64], 784, 64, seed), new Variable(zeros([64])), glorot([64, 10], 64, 10, seed + 1), new Variable(zeros([10]))];
  const logits = (x: Tensor): Tensor => {
    const h = biasActivation(matMul(reshape(x, [x.shape[0], -1]), p[0]), p[1], "relu");
    return biasActivation(matMul(h, p[2]), p[3]);
  };
  return { params: p, logits };
}

/** A classifier's training step: sparse softmax cross-entropy on logits, gradients, update. */
export function classifierStep(model: { params: Params; logits: (x: Tensor) => Tensor }, update: (g: Tensor<"float32">[]) => void) {
  const lossGrad = grad((_p: Params, x: Tensor, y: Tensor) => mean(sparseSoftmaxCrossEntropyWithLogits(y, model.logits(x))));
  return (x: Tensor, y: Tensor): void => update(lossGrad(model.params, x, y));
}

/** The course's forecaster: SimpleRNN(16) or LSTM(16) on [batch, 1, 6], then Dense(24); MSE. */
export function recurrentForecaster(kind: "lstm" | "simple", seed = 1) {
  const gates = kind === "lstm" ? 4 : 1;
  const units = 16,
    features = 6;
  const p = [
    glorot([features, gates * units], features, gates * units, seed),
    glorot([units, gates * units], units, gates * units, seed + 1),
    new Variable(zeros([gates * units])),
    glorot([units, 24], units, 24, seed + 2),
    new Variable(zeros([24])),
  ];
  const predict = (x: Tensor): Tensor => {
    const { states } = rnn(kind, x, p[0], p[1], p[2]);
    return biasActivation(matMul(states[0], p[3]), p[4]);
  };
  return { params: p, predict };
}

export function regressionStep(model: { params: Params; predict: (x: Tensor) => Tensor }, update: (g: Tensor<"float32">[]) => void) {
  const lossGrad = grad((_p: Params, x: Tensor, y: Tensor) => mean(square(sub(model.predict(x), y))));
  return (x: Tensor, y: Tensor): void => update(lossGrad(model.params, x, y));
}

/** VGG16's convolutional base (13 conv layers, 14,714,688 parameters), channels-last. */
export function vgg16Base(seed = 1) {
  const cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"] as const;
  const p: Variable[] = [];
  let c = 3;
  for (const v of cfg) {
    if (v === "M") continue;
    p.push(glorot([3, 3, c, v], 9 * c, 9 * v, seed + p.length), new Variable(zeros([v])));
    c = v;
  }
  const features = (x: Tensor): Tensor => {
    let h = x,
      i = 0;
    for (const v of cfg) {
      if (v === "M") h = maxPool2d(h);
      else {
        h = conv2d(h, p[i], { bias: p[i + 1], padding: "same", activation: "relu" });
        i += 2;
      }
    }
    return h;
  };
  return { params: p, features };
}
