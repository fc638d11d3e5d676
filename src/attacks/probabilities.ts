/** Class probabilities of a batch, whatever the model ends in: softmax, one sigmoid unit, or logits. */
import { noGrad } from "@kerno/core/autodiff/grad.js";
import type { Model } from "@kerno/core/models/model.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";

export interface ClassProbabilities {
  /** rows x classes, row-major. */
  p: Float32Array;
  classes: number;
}

/** The model's class probabilities: a softmax or sigmoid output as it is, other outputs (logits) through a softmax. */
export function probabilities(model: Model, x: Tensor, logits?: boolean): ClassProbabilities {
  const y = noGrad(() => model.forward([x], false)[0]);
  const n = x.shape[0];
  const width = y.size / n;
  const v = y.floats();
  if (width === 1) {
    // one unit: the probability of class 1 (a logit goes through the sigmoid first)
    const act = logits ?? model.outputActivationOf(0) !== "sigmoid";
    const p = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const q = act ? 1 / (1 + Math.exp(-v[i])) : v[i];
      p[2 * i] = 1 - q;
      p[2 * i + 1] = q;
    }
    return { p, classes: 2 };
  }
  const isLogits = logits ?? model.outputActivationOf(0) !== "softmax";
  if (!isLogits) return { p: v, classes: width };
  const p = new Float32Array(v.length);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let k = 0; k < width; k++) m = Math.max(m, v[i * width + k]);
    let s = 0;
    for (let k = 0; k < width; k++) s += p[i * width + k] = Math.exp(v[i * width + k] - m);
    for (let k = 0; k < width; k++) p[i * width + k] /= s;
  }
  return { p, classes: width };
}

/** The most probable class of row i. */
export function argmaxRow(probs: ClassProbabilities, i: number): number {
  let best = 0;
  for (let k = 1; k < probs.classes; k++) if (probs.p[i * probs.classes + k] > probs.p[i * probs.classes + best]) best = k;
  return best;
}
