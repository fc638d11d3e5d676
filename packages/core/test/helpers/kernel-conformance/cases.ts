/**
 * The conformance cases as plain functions, without node:test, so that a browser page runs the
 * same cases as the Node suite (kernel-conformance.ts wraps each in a test): every kernel of a
 * backend against the TypeScript reference. A failed case throws an assertion naming the kernel's
 * variant and the first values that differ.
 */
import type { Kernels } from "../../../src/backends/kernels.js";
import { ARRAY_CASES } from "./arrays.js";
import { CONVOLUTION_CASES } from "./convolution.js";
import { TRAINING_CASES } from "./training.js";

/** One kernel's comparison with the TypeScript reference, on the backend's kernels `n`. */
export type Case = (n: Kernels) => void;

/** Every kernel's case: a Record over the interface, so that a kernel without one does not compile. */
export const conformanceCases: Record<Exclude<keyof Kernels, "name">, Case> = { ...ARRAY_CASES, ...CONVOLUTION_CASES, ...TRAINING_CASES };

export interface ConformanceFailure {
  kernel: string;
  error: string;
}

/** Runs every case on `kernels` and gives the failures (none when the backend conforms). */
export function runConformance(kernels: Kernels): ConformanceFailure[] {
  const failures: ConformanceFailure[] = [];
  for (const [kernel, run] of Object.entries(conformanceCases)) {
    try {
      run(kernels);
    } catch (err) {
      failures.push({ kernel, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return failures;
}
