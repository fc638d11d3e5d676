/**
 * Every WebAssembly kernel against the TypeScript reference: the conformance suite of
 * packages/core/test/helpers/kernel-conformance.ts on the module's kernels, in Node. Skips when the
 * module is not built (`npm run build:wasm -w @kerno/wasm`, which needs Emscripten), saying so;
 * with KERNO_REQUIRE_WASM=1 (CI, which installs Emscripten and builds it) that is a failure.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Kernels } from "@kerno/core/backends/kernels.js";
import { conformanceSuite } from "../../core/test/helpers/kernel-conformance.js";
import { loadWasmKernels } from "../src/index.js";

let wasm: Kernels | null = null;
let skip: string | false = false;
try {
  wasm = await loadWasmKernels();
} catch (err) {
  skip = (err as Error).message;
  console.log(`skipping the wasm kernel tests: ${skip}`);
}

test("the WebAssembly kernels are built where they are required (KERNO_REQUIRE_WASM=1)", () => {
  if (process.env.KERNO_REQUIRE_WASM === "1") assert.equal(skip, false, String(skip));
});

test("a bad call is a TypeError naming the kernel and the argument, not a crash", { skip }, () => {
  assert.throws(
    () =>
      wasm!.conv2d(
        new Float32Array(3),
        new Float32Array(3),
        {
          batch: 1,
          inH: 4,
          inW: 4,
          inC: 1,
          outH: 2,
          outW: 2,
          outC: 1,
          kH: 3,
          kW: 3,
          strideH: 1,
          strideW: 1,
          dilationH: 1,
          dilationW: 1,
          padTop: 0,
          padLeft: 0,
        },
        null,
        "linear",
      ),
    /wasm conv2d: argument 'x' has 3 elements, needs at least 16/,
  );
});

conformanceSuite("wasm", wasm, skip);
