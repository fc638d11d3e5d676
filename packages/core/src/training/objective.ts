/**
 * The quantity training minimizes, written once for training and evaluation: each output's loss
 * averaged over the batch with sample weights (Keras's sum over batch size), weighted by its loss
 * weight, plus the model's regularization penalties.
 */
import { add, mul } from "../ops/arithmetic.js";
import { sum } from "../ops/broadcast.js";
import { mean } from "../ops/reduce.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Compiled } from "./compile.js";

export interface Objective {
  /** Loss weights times output losses, plus regularization: what the gradient is taken of. */
  total: Tensor<"float32">;
  /** Each output's (unweighted) loss, for the logs. */
  parts: Tensor<"float32">[];
}

export function weightedLoss(compiled: Compiled, ys: Tensor[], outputs: Tensor[], sampleWeight: Tensor | null, penalties: Tensor<"float32">[]): Objective {
  const parts = outputs.map((out, i) => {
    const per = compiled.losses[i].perSample(ys[i], out);
    return sampleWeight ? mul(sum(mul(per, sampleWeight)), 1 / per.size) : mean(per);
  });
  let total = parts.map((l, i) => (compiled.lossWeights[i] === 1 ? l : mul(l, compiled.lossWeights[i]))).reduce((acc, l) => add(acc, l));
  for (const p of penalties) total = add(total, p);
  return { total, parts };
}
