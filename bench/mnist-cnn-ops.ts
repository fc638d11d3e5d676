/**
 * The seed's MNIST CNN written directly with ops (no layer API): Conv2D 32/64/128 3x3 relu,
 * MaxPooling2D 2, Flatten, Dense 10, sparse categorical cross-entropy, RMSprop. Used by the
 * benchmark to time one training step on whichever backend is active.
 */
import {
  conv2d, grad, matMul, maxPool2d, mean, reshape, sparseSoftmaxCrossEntropyWithLogits, Variable,
  randomNormal, zeros, randomUniform, tensor, type Tensor, biasActivation,
} from "../src/index.js";
import { backend } from "../src/backends/registry.js";

export interface CnnParams { [name: string]: Variable }

function glorot(shape: number[], fanIn: number, fanOut: number, seed: number): Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return new Variable(randomUniform(shape, -limit, limit, { seed }));
}

export function makeCnnParams(seed = 1): CnnParams {
  return {
    w1: glorot([3, 3, 1, 32], 9, 288, seed), b1: new Variable(zeros([32])),
    w2: glorot([3, 3, 32, 64], 288, 576, seed + 1), b2: new Variable(zeros([64])),
    w3: glorot([3, 3, 64, 128], 576, 1152, seed + 2), b3: new Variable(zeros([128])),
    w4: glorot([1152, 10], 1152, 10, seed + 3), b4: new Variable(zeros([10])),
  };
}

export function countParams(p: CnnParams): number {
  return Object.values(p).reduce((s, v) => s + v.size, 0);
}

export function cnnLogits(p: CnnParams, x: Tensor): Tensor {
  let h = conv2d(x, p.w1, { bias: p.b1, activation: "relu" });
  h = maxPool2d(h, { poolSize: 2 });
  h = conv2d(h, p.w2, { bias: p.b2, activation: "relu" });
  h = maxPool2d(h, { poolSize: 2 });
  h = conv2d(h, p.w3, { bias: p.b3, activation: "relu" });
  h = reshape(h, [h.shape[0], -1]);
  return biasActivation(matMul(h, p.w4), p.b4);
}

/** A training step: loss, gradients, RMSprop update (Keras defaults: lr 1e-3, rho 0.9, eps 1e-7). */
export function makeCnnTrainer(p: CnnParams, lr = 1e-3) {
  const names = Object.keys(p);
  const vars = names.map((n) => p[n]);
  const slots = vars.map((v) => new Float32Array(v.size));
  const lossGrad = grad((_vs: Variable[], x: Tensor, y: Tensor) => mean(sparseSoftmaxCrossEntropyWithLogits(y, cnnLogits(p, x))));
  return (x: Tensor, y: Tensor): void => {
    const grads = lossGrad(vars, x, y);
    const k = backend();
    vars.forEach((v, i) => k.rmspropUpdate(v.values as Float32Array, grads[i].values as Float32Array, slots[i], null, lr, 0.9, 0, 1e-7));
  };
}

export function randomMnistBatch(batch: number, seed: number): { x: Tensor; y: Tensor } {
  const x = randomNormal([batch, 28, 28, 1], 0, 1, { seed });
  const labels = new Int32Array(batch).map((_, i) => (i * 7 + seed) % 10);
  return { x, y: tensor(labels, [batch], "int32") };
}
