/** Counting a backend kernel's calls, to check that a fusion happens where it may and only there. */
import { after } from "node:test";
import type { Kernels } from "../../src/backends/kernels.js";
import { backend } from "../../src/backends/registry.js";

export interface CallCounter {
  /** Calls since the counter was made or last reset. */
  readonly count: number;
  reset(): void;
}

/** Wraps the active backend's kernel `name` for the rest of the test file (restored after it). */
export function countKernelCalls(name: keyof Kernels): CallCounter {
  const kernels = backend() as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = kernels[name];
  let count = 0;
  kernels[name] = (...args) => {
    count++;
    return original.apply(kernels, args);
  };
  after(() => {
    kernels[name] = original;
  });
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
  };
}
