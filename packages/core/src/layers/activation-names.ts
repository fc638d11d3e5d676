/**
 * Activations by Keras name, as used by layers' `activation` option. A layer reports the
 * activation it applies last (Layer.outputActivation), so that compile() can have a
 * cross-entropy loss work from the logits behind a softmax or sigmoid output (stable and exact).
 */
import { FUSED_ACTIVATIONS, type FusedActivation } from "../backends/kernels.js";
import * as ops from "../ops/activations.js";
import { add as addOp, div as divOp, mul as mulOp } from "../ops/arithmetic.js";
import { asFloat } from "../ops/core.js";
import { abs as absOp, clip as clipOp, exp as expOp } from "../ops/math.js";
import type { Tensor } from "../tensor/tensor.js";

export const ACTIVATIONS = [
  "linear",
  "relu",
  "sigmoid",
  "tanh",
  "softmax",
  "log_softmax",
  "elu",
  "selu",
  "gelu",
  "softplus",
  "leaky_relu",
  "exponential",
  "swish",
  "silu",
  "hard_sigmoid",
  "softsign",
  "relu6",
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Normalizes camelCase spellings (leakyRelu, logSoftmax) to Keras's names. */
export function activationName(name: string | undefined | null, who: string): ActivationName {
  if (name === undefined || name === null) return "linear";
  if (typeof name !== "string") throw new TypeError(`${who}: activation: expected a name such as 'relu', found ${JSON.stringify(name) ?? typeof name}`);
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (!(ACTIVATIONS as readonly string[]).includes(snake)) {
    throw new RangeError(`${who}: unknown activation '${name}'; use one of ${ACTIVATIONS.join(", ")}`);
  }
  return snake as ActivationName;
}

/**
 * How a layer applies its activation: `fused` goes into its bias + activation kernel (linear when
 * it cannot), `after` is applied once the kernel has run. With `logits` (the caller wants the
 * values before the activation) both are linear.
 */
export function splitActivation(name: ActivationName, logits = false): { fused: FusedActivation; after: ActivationName } {
  if (logits) return { fused: "linear", after: "linear" };
  const fused = fusable(name);
  return fused ? { fused, after: "linear" } : { fused: "linear", after: name };
}

/** The activation a fused bias + activation kernel applies, when it can. */
export function fusable(name: ActivationName): FusedActivation | null {
  return (FUSED_ACTIVATIONS as readonly string[]).includes(name) ? (name as FusedActivation) : null;
}

export function applyActivation(name: ActivationName, x: Tensor): Tensor<"float32"> {
  switch (name) {
    case "linear":
      return asFloat(x, "linear");
    case "relu":
      return ops.relu(x);
    case "sigmoid":
      return ops.sigmoid(x);
    case "tanh":
      return ops.tanh(x);
    case "softmax":
      return ops.softmax(x);
    case "log_softmax":
      return ops.logSoftmax(x);
    case "elu":
      return ops.elu(x);
    case "selu":
      return ops.selu(x);
    case "gelu":
      return ops.gelu(x);
    case "softplus":
      return ops.softplus(x);
    case "leaky_relu":
      return ops.leakyRelu(x, 0.2);
    case "exponential":
      return expOp(x);
    case "swish":
    case "silu":
      return mulOp(asFloat(x, name), ops.sigmoid(x));
    // Keras 3's hard_sigmoid: relu6(x + 3) / 6
    case "hard_sigmoid":
      return clipOp(addOp(mulOp(asFloat(x, name), 1 / 6), 0.5), 0, 1);
    case "softsign":
      return divOp(asFloat(x, name), addOp(absOp(x), 1));
    case "relu6":
      return clipOp(x, 0, 6);
  }
}
