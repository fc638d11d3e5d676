/**
 * @kerno/wasm: kerno's C++ kernels compiled to WebAssembly (128-bit SIMD), bound through the same
 * generated kernel table as the native addon. Importing it registers the "wasm" backend, ahead of
 * the TypeScript one and behind the native addon where that loaded; `await loadWasmKernels()`
 * gives its kernels directly. In Node it runs on every core (threads on worker_threads); in a
 * browser too where the page is cross-origin isolated (SharedArrayBuffer), else on one thread,
 * which it says once (src/builds.ts chooses).
 */

import { compiledMethods } from "@kerno/core/backends/compiled/wrappers.gen.js";
import { jsKernels } from "@kerno/core/backends/js/index.js";
import type { Kernels, Precision } from "@kerno/core/backends/kernels.js";
import { registerBackend } from "@kerno/core/backends/registry.js";
import { type Build, chooseBuild } from "./builds.js";
import { moduleKernels } from "./call.js";

let threads = 0;
/** The threads the loaded module's kernels run on (0 before it loads). */
export const wasmThreads = (): number => threads;

/** The wasm module's kernels as a Kernels object (the TypeScript kernels serve what the module does not). */
export async function loadWasmKernels(): Promise<Kernels> {
  let build: Build;
  try {
    build = await chooseBuild();
  } catch (err) {
    throw new Error(`the WebAssembly kernels are not built (${(err as Error).message}; run 'npm run build:wasm -w @kerno/wasm', which needs Emscripten)`);
  }
  const module = await build.create(build.options);
  // the threads wait for work and must not keep Node running once the program is done
  for (const worker of [...(module.PThread?.unusedWorkers ?? []), ...(module.PThread?.runningWorkers ?? [])]) worker.unref?.();
  // before the first kernel makes the pool: no more threads than the workers started
  if (build.threads > 0) module._kerno_limit_threads(build.threads);
  threads = module._kerno_threads();
  if (build.notice) console.info(build.notice);
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
