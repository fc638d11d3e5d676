/**
 * Activations by Keras name, as used by layers' `activation` option. Softmax and sigmoid outputs
 * remember their logits, so that a cross-entropy loss on probabilities can be computed from the
 * logits instead (stable and exact), as Keras does.
 */
import type { FusedActivation } from "../backends/kernels.js";
import * as ops from "../ops/activations.js";
import { mul as mulOp } from "../ops/arithmetic.js";
import { exp as expOp } from "../ops/math.js";
import type { Tensor } from "../tensor/tensor.js";

export type ActivationName =
  | "linear" | "relu" | "sigmoid" | "tanh" | "softmax" | "log_softmax" | "elu" | "selu" | "gelu" | "softplus"
  | "leaky_relu" | "exponential" | "swish" | "silu";

export const ACTIVATIONS: readonly ActivationName[] = [
  "linear", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "elu", "selu", "gelu", "softplus", "leaky_relu", "exponential", "swish", "silu",
];

const logits = new WeakMap<Tensor, { kind: "softmax" | "sigmoid"; logits: Tensor }>();

/** The logits a softmax or sigmoid output was computed from, if it was. */
export function logitsOf(probabilities: Tensor): { kind: "softmax" | "sigmoid"; logits: Tensor } | undefined {
  return logits.get(probabilities);
}

/** Normalizes camelCase spellings (leakyRelu, logSoftmax) to Keras's names. */
export function activationName(name: string | undefined | null, who: string): ActivationName {
  if (name === undefined || name === null) return "linear";
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (!(ACTIVATIONS as readonly string[]).includes(snake)) {
    throw new RangeError(`${who}: unknown activation '${name}'; use one of ${ACTIVATIONS.join(", ")}`);
  }
  return snake as ActivationName;
}

/**
 * The activation a fused bias + activation kernel applies, when it can. Sigmoid is left out on
 * purpose: its logits must stay visible to the loss (see logitsOf).
 */
export function fusable(name: ActivationName): FusedActivation | null {
  return name === "linear" || name === "relu" || name === "tanh" ? name : null;
}

export function applyActivation(name: ActivationName, x: Tensor): Tensor {
  switch (name) {
    case "linear": return x;
    case "relu": return ops.relu(x);
    case "sigmoid": { const y = ops.sigmoid(x); logits.set(y, { kind: "sigmoid", logits: x }); return y; }
    case "tanh": return ops.tanh(x);
    case "softmax": { const y = ops.softmax(x); logits.set(y, { kind: "softmax", logits: x }); return y; }
    case "log_softmax": return ops.logSoftmax(x);
    case "elu": return ops.elu(x);
    case "selu": return ops.selu(x);
    case "gelu": return ops.gelu(x);
    case "softplus": return ops.softplus(x);
    case "leaky_relu": return ops.leakyRelu(x, 0.2);
    case "exponential": return expOp(x);
    case "swish":
    case "silu": return mulOp(x, ops.sigmoid(x));
  }
}
