/**
 * How often an attack flips a model's answer over a set of images: only images the model gets
 * right count (as in the one-pixel paper); the one-pixel attack beside FGSM and PGD.
 */
import type { Model } from "@kerno/core/models/model.js";
import { concat, slice } from "@kerno/core/ops/shape.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { fgsm, type GradientAttackOptions, pgd } from "./gradient.js";
import { type OnePixelOptions, type OnePixelResult, onePixelAttack } from "./one-pixel.js";
import { argmaxRow, probabilities } from "./probabilities.js";

export type AttackSpec =
  | ({ attack: "one-pixel" } & OnePixelOptions)
  | ({ attack: "fgsm" } & GradientAttackOptions)
  | ({ attack: "pgd" } & GradientAttackOptions & { steps?: number; stepSize?: number; seed?: number });

export interface SuccessRate {
  attack: string;
  /** Images the model classified right (attacked), and those it already got wrong (left out). */
  attacked: number;
  misclassified: number;
  successes: number;
  rate: number;
  /** One-pixel only: mean images evaluated per attack, and each attack's result. */
  meanEvaluations?: number;
  results?: OnePixelResult[];
}

/** Runs `spec` on each of images [n, h, w, c] (up to `count`) whose label the model predicts; `onResult` sees each one-pixel result. */
export function attackSuccessRate(
  model: Model,
  images: Tensor,
  labels: ArrayLike<number>,
  spec: AttackSpec,
  options: { count?: number; onResult?: (r: OnePixelResult, i: number) => void } = {},
): SuccessRate {
  const n = Math.min(images.shape[0], options.count ?? images.shape[0]);
  const rest = images.shape.slice(1);
  const clean = probabilities(model, slice(images, [0, ...rest.map(() => 0)], [n, ...rest]));
  const right = Array.from({ length: n }, (_, i) => i).filter((i) => argmaxRow(clean, i) === labels[i]);
  const pick = (i: number) => slice(images, [i, ...rest.map(() => 0)], [1, ...rest]);
  let successes = 0;
  if (spec.attack === "one-pixel") {
    const results: OnePixelResult[] = [];
    for (const i of right) {
      const r = onePixelAttack(model, pick(i), { ...spec, trueClass: labels[i] });
      results.push(r);
      if (r.success) successes++;
      options.onResult?.(r, i);
    }
    const meanEvaluations = results.reduce((s, r) => s + r.evaluations, 0) / Math.max(1, results.length);
    return {
      attack: "one-pixel",
      attacked: right.length,
      misclassified: n - right.length,
      successes,
      rate: successes / Math.max(1, right.length),
      meanEvaluations,
      results,
    };
  }
  for (let s = 0; s < right.length; s += 64) {
    const idx = right.slice(s, s + 64);
    const x = concat(idx.map(pick), 0);
    const y = idx.map((i) => labels[i]);
    const adv = spec.attack === "fgsm" ? fgsm(model, x, y, spec) : pgd(model, x, y, spec);
    const after = probabilities(model, adv);
    idx.forEach((_, j) => {
      if (argmaxRow(after, j) !== y[j]) successes++;
    });
  }
  return { attack: spec.attack, attacked: right.length, misclassified: n - right.length, successes, rate: successes / Math.max(1, right.length) };
}
