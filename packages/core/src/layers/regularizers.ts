/** Weight penalties added to the training loss (Keras's l1, l2 and l1_l2). */

import { add, mul } from "../ops/arithmetic.js";
import { sum } from "../ops/broadcast.js";
import { abs, square } from "../ops/math.js";
import type { Tensor } from "../tensor/tensor.js";

export interface Regularizer {
  l1?: number;
  l2?: number;
}

export const l1 = (factor = 0.01): Regularizer => ({ l1: factor });
export const l2 = (factor = 0.01): Regularizer => ({ l2: factor });
export const l1l2 = (l1Factor = 0.01, l2Factor = 0.01): Regularizer => ({ l1: l1Factor, l2: l2Factor });

export function assertRegularizer(r: unknown, who: string): Regularizer | null {
  if (r === undefined || r === null) return null;
  const ok = typeof r === "object" && Object.entries(r as object).every(([k, v]) => (k === "l1" || k === "l2") && typeof v === "number" && v >= 0);
  if (!ok) throw new TypeError(`${who}: a regularizer is { l1?: number, l2?: number } (see l1(), l2()), got ${JSON.stringify(r)}`);
  return r as Regularizer;
}

/** l1 * sum(|w|) + l2 * sum(w^2). */
export function penalty(r: Regularizer, w: Tensor): Tensor<"float32"> | null {
  let total: Tensor<"float32"> | null = null;
  if (r.l1) total = mul(sum(abs(w)), r.l1);
  if (r.l2) {
    const p = mul(sum(square(w)), r.l2);
    total = total ? add(total, p) : p;
  }
  return total;
}
