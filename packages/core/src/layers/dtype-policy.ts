/**
 * Dtype policies, Keras's mixed precision: `mixedPrecision.setGlobalPolicy("mixed_bfloat16")`
 * makes the layers created afterwards (or one layer, with `dtype: "mixed_bfloat16"`) compute
 * their products (Dense's matMul, Conv1D and Conv2D's convolutions, forward and gradients) on
 * operands rounded to bfloat16 with float32 sums, while variables, activations, losses and
 * optimizer updates stay float32. On the native backend this runs on AVX512_BF16 (`vdpbf16ps`);
 * a CPU without it gets a clear error; the js backend emulates it (rounding, float32 products).
 * Like Keras, a layer takes the policy in force when it is constructed.
 */
import type { Precision } from "../backends/kernels.js";
import { backend } from "../ops/core.js";

export const DTYPE_POLICIES = ["float32", "mixed_bfloat16"] as const;
export type DTypePolicyName = (typeof DTYPE_POLICIES)[number];

export function isDTypePolicy(x: unknown): x is DTypePolicyName {
  return (DTYPE_POLICIES as readonly unknown[]).includes(x);
}

/** The precision products run in under a policy. */
export function policyPrecision(policy: DTypePolicyName): Precision {
  return policy === "mixed_bfloat16" ? "bfloat16" : "float32";
}

/** Throws unless the active backend can run `policy` (who: the layer or function asking). */
export function assertPolicyRuns(policy: DTypePolicyName, who: string): void {
  if (policy === "mixed_bfloat16" && !backend().bfloat16) {
    throw new RangeError(
      `${who}: the 'mixed_bfloat16' policy needs bfloat16 products, which the ${backend().name} backend cannot run on this CPU (it lacks AVX512_BF16); use 'float32', or the js backend, which emulates them`,
    );
  }
}

let current: DTypePolicyName = "float32";

export const mixedPrecision = {
  /** Sets the policy of layers created from now on: "float32" (default) or "mixed_bfloat16". */
  setGlobalPolicy(policy: DTypePolicyName): void {
    if (!isDTypePolicy(policy)) {
      throw new RangeError(`mixedPrecision.setGlobalPolicy: unknown policy '${String(policy)}'; use ${DTYPE_POLICIES.map((p) => `'${p}'`).join(" or ")}`);
    }
    assertPolicyRuns(policy, "mixedPrecision.setGlobalPolicy");
    current = policy;
  },
  /** The policy new layers take. */
  globalPolicy(): DTypePolicyName {
    return current;
  },
};
