/**
 * The kernel conformance suite: every kernel of a backend against the TypeScript reference, on
 * random shapes (odd sizes, batch 1, strides 1 and 2, both paddings, channel counts that are not
 * multiples of the vector width). The cases are a Record over the Kernels interface, so a kernel
 * without a comparison case does not compile; op lists come from the op tables in kernels.ts.
 * Each compiled backend's test runs it (`conformanceSuite(name, kernels)`): the native addon's,
 * and the next backends' (WebAssembly, WebGPU) the same way. The cases themselves live in
 * kernel-conformance/cases.ts, free of node:test: a browser page runs them with `runConformance`.
 */
import { test } from "node:test";
import type { Kernels } from "../../src/backends/kernels.js";
import { conformanceCases } from "./kernel-conformance/cases.js";

export { type Case, type ConformanceFailure, conformanceCases, runConformance } from "./kernel-conformance/cases.js";

/** One test per kernel of `kernels` against the TypeScript reference; `skip` (the reason) when the backend is unavailable. */
export function conformanceSuite(name: string, kernels: Kernels | null, skip: string | false): void {
  for (const [kernel, run] of Object.entries(conformanceCases)) {
    test(`${name} ${kernel} matches the TypeScript reference`, { skip }, () => run(kernels!));
  }
}
