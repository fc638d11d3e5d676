/**
 * The native kernels for a test file, or why the addon is unavailable: the file's tests then skip
 * with that reason (KERNO_REQUIRE_NATIVE=1 makes index.test.ts fail instead).
 */
import type { Kernels } from "@kerno/core/backends/kernels.js";
import { loadAddon, makeNativeKernels } from "../../src/backends/native/index.js";

export function nativeKernels(): { native: Kernels | null; skip: string | false } {
  try {
    return { native: makeNativeKernels(loadAddon()), skip: false };
  } catch (err) {
    return { native: null, skip: `native addon unavailable: ${(err as Error).message}` };
  }
}
