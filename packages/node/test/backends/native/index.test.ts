/**
 * Every native kernel against the TypeScript reference: the conformance suite of
 * packages/core/test/helpers/kernel-conformance.ts on the addon's kernels. `npm test` also runs
 * this file with KERNO_ISA=portable and with each KERNO_CONV way. With KERNO_REQUIRE_NATIVE=1 (CI)
 * a missing addon fails the suite instead of skipping these tests.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Kernels } from "@kerno/core/backends/kernels.js";
import { conformanceSuite } from "../../../../core/test/helpers/kernel-conformance.js";
import { loadAddon, makeNativeKernels } from "../../../src/backends/native/index.js";

let native: Kernels | null = null;
let skip: string | false = false;
try {
  native = makeNativeKernels(loadAddon());
  console.log(`native addon: ${JSON.stringify(loadAddon().info())}`);
} catch (err) {
  skip = `native addon unavailable: ${(err as Error).message}`;
  console.log(`skipping native kernel tests: ${skip}`);
}

test("the native addon is present where it is required (KERNO_REQUIRE_NATIVE=1)", () => {
  if (process.env.KERNO_REQUIRE_NATIVE === "1") assert.equal(skip, false, String(skip));
});

conformanceSuite("native", native, skip);
