/**
 * @kerno/wasm: kerno's C++ kernels compiled to WebAssembly (128-bit SIMD), bound through the same
 * generated kernel table as the native addon. Importing it registers the "wasm" backend, ahead of
 * the TypeScript one and behind the native addon where that loaded; `await loadWasmKernels()`
 * gives its kernels directly. It runs in Node and in browsers; this version runs on one thread.
 */

import { compiledMethods } from "@kerno/core/backends/compiled/wrappers.gen.js";
import { jsKernels } from "@kerno/core/backends/js/index.js";
import type { Kernels, Precision } from "@kerno/core/backends/kernels.js";
import { registerBackend } from "@kerno/core/backends/registry.js";
import { type KernelModule, moduleKernels } from "./call.js";

const MODULE = new URL("../build/kerno-kernels.mjs", import.meta.url);
const WASM = new URL("../build/kerno-kernels.wasm", import.meta.url);

/** The .wasm's bytes: read from disk in Node, fetched elsewhere. */
async function wasmBytes(): Promise<Uint8Array> {
  const nodeVersion = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (nodeVersion) {
    const { readFile } = await import("node:fs/promises");
    return readFile(WASM);
  }
  const response = await fetch(WASM);
  if (!response.ok) throw new Error(`wasm: fetching ${WASM.href} gave HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The wasm module's kernels as a Kernels object (the TypeScript kernels serve what the module does not). */
export async function loadWasmKernels(): Promise<Kernels> {
  let create: (options: { wasmBinary: Uint8Array }) => Promise<KernelModule>;
  let bytes: Uint8Array;
  try {
    create = (await import(MODULE.href)).default;
    bytes = await wasmBytes();
  } catch (err) {
    throw new Error(
      `the WebAssembly kernels are not built (${MODULE.pathname}: ${(err as Error).message}; run 'npm run build:wasm -w @kerno/wasm', which needs Emscripten)`,
    );
  }
  const module = await create({ wasmBinary: bytes });
  const bf16 = (precision: Precision): boolean => {
    if (precision === "float32") return false;
    throw new RangeError(
      "bfloat16 products need a CPU with AVX512_BF16 and the native backend; the wasm backend computes in float32: use the float32 policy, or the js backend, which emulates them",
    );
  };
  return { ...jsKernels, name: "wasm", bfloat16: false, ...compiledMethods(moduleKernels(module), jsKernels, bf16) };
}

const loaded = await loadWasmKernels().then(
  (kernels) => ({ kernels }),
  (error: Error) => ({ error }),
);
registerBackend(
  "wasm",
  () => {
    if ("error" in loaded) throw loaded.error;
    return loaded.kernels;
  },
  1.5,
);
