/**
 * Gradient attacks, the baselines beside the one-pixel attack: FGSM (Goodfellow et al., 2015),
 * one step of epsilon along the sign of the loss's gradient, and PGD (Madry et al., 2018), many
 * smaller steps projected back into the epsilon-ball (L-infinity) around the image. Both keep
 * pixels inside the model's input range.
 */
import { valueAndGrad } from "@kerno/core/autodiff/grad.js";
import type { Model } from "@kerno/core/models/model.js";
import { sigmoidCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits } from "@kerno/core/ops/losses.js";
import { mean } from "@kerno/core/ops/reduce.js";
import { reshape } from "@kerno/core/ops/shape.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { Random } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";

export interface GradientAttackOptions {
  /** The largest change of any pixel value (L-infinity radius), in the input's units. */
  epsilon: number;
  /** The model's input range (default: [0, 1] when every value is at most 1, else [0, 255]). */
  valueRange?: [number, number];
}

/** The loss of the true labels on a batch, from the logits behind a softmax or one sigmoid unit. */
function lossOf(model: Model, x: Tensor, labels: Int32Array): Tensor {
  const logits = model.forward([x], false, [true])[0];
  if (logits.shape[1] === 1 || logits.rank === 1) {
    const y = tensor(Float32Array.from(labels), [labels.length, 1]);
    return mean(sigmoidCrossEntropyWithLogits(y, reshape(logits, [labels.length, 1])));
  }
  return mean(sparseSoftmaxCrossEntropyWithLogits(tensor(labels, [labels.length], "int32"), logits));
}

function rangeOf(x: Float32Array, option?: [number, number]): [number, number] {
  return option ?? (x.every((v) => v <= 1) ? [0, 1] : [0, 255]);
}

function step(x: Float32Array, g: Float32Array, size: number, origin: Float32Array, eps: number, range: [number, number]): Float32Array<ArrayBuffer> {
  return Float32Array.from(x, (v, i) => {
    const moved = v + size * Math.sign(g[i]);
    const projected = Math.min(origin[i] + eps, Math.max(origin[i] - eps, moved));
    return Math.min(range[1], Math.max(range[0], projected));
  });
}

/** FGSM: images [n, h, w, c] moved by epsilon along the sign of the gradient of the loss of `labels`. */
export function fgsm(model: Model, images: Tensor, labels: ArrayLike<number>, options: GradientAttackOptions): Tensor {
  const x = images.floats();
  const y = Int32Array.from(labels);
  const { grads } = valueAndGrad((t: Tensor) => lossOf(model, t, y))(images);
  return tensor(step(x, grads.floats(), options.epsilon, x, options.epsilon, rangeOf(x, options.valueRange)), images.shape);
}

/** PGD: `steps` (10) of `stepSize` (epsilon / 4) from a random start in the ball, each projected back into it. */
export function pgd(
  model: Model,
  images: Tensor,
  labels: ArrayLike<number>,
  options: GradientAttackOptions & { steps?: number; stepSize?: number; randomStart?: boolean; seed?: number },
): Tensor {
  const origin = images.floats();
  const y = Int32Array.from(labels);
  const range = rangeOf(origin, options.valueRange);
  const eps = options.epsilon;
  const rng = new Random(options.seed ?? 1);
  let x: Float32Array<ArrayBuffer> =
    options.randomStart === false
      ? Float32Array.from(origin)
      : Float32Array.from(origin, (v) => Math.min(range[1], Math.max(range[0], v + eps * (2 * rng.uniform() - 1))));
  const grad = valueAndGrad((t: Tensor) => lossOf(model, t, y));
  for (let s = 0; s < (options.steps ?? 10); s++) {
    const { grads } = grad(tensor(x, images.shape));
    x = step(x, grads.floats(), options.stepSize ?? eps / 4, origin, eps, range);
  }
  return tensor(x, images.shape);
}
