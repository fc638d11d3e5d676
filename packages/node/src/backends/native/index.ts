/**
 * The native backend: the C++ addon's kernels (build/Release/kerno.node, built by node-gyp at
 * install) for float32 data, and the TypeScript kernels for what the addon does not cover
 * (int32 and bool data, data movement other than transpose, resizing). The methods that call the
 * addon are generated from the kernel table (wrappers.gen.ts, packages/core/src/backends/kernel-table/):
 * outputs are allocated there and filled in place by the addon.
 */

import { compiledMethods } from "@kerno/core/backends/compiled/wrappers.gen.js";
import { jsKernels } from "@kerno/core/backends/js/index.js";
import type { Kernels, Precision } from "@kerno/core/backends/kernels.js";
import { registerBackend } from "@kerno/core/backends/registry.js";
import { type Addon, loadAddon } from "./addon.js";

export { type Addon, addonPath, loadAddon } from "./addon.js";

export function makeNativeKernels(a: Addon): Kernels {
  const info = a.info();
  // the addon checks the CPU too; this names the op and the way out
  const bf16 = (precision: Precision): boolean => {
    if (precision === "float32") return false;
    if (!info.bf16) {
      throw new RangeError(
        `bfloat16 products need a CPU with AVX512_BF16 (this one runs ${info.isa} without it): use the float32 policy, or the js backend, which emulates them`,
      );
    }
    return true;
  };
  return { ...jsKernels, name: "native", bfloat16: info.bf16, ...compiledMethods(a, jsKernels, bf16) };
}

registerBackend("native", () => makeNativeKernels(loadAddon()), 2);
