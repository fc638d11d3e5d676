/**
 * @kerno/wasm: kerno's C++ kernels compiled to WebAssembly (128-bit SIMD), bound through the same
 * generated kernel table as the native addon. Importing it registers the "wasm" backend, ahead of
 * the TypeScript one and behind the native addon where that loaded; `await loadWasmKernels()`
 * gives its kernels directly. In Node it runs on every core (threads on worker_threads); in a
 * browser on one thread (threads there need cross-origin isolation), which it says once.
 */

import { compiledMethods } from "@kerno/core/backends/compiled/wrappers.gen.js";
import { jsKernels } from "@kerno/core/backends/js/index.js";
import type { Kernels, Precision } from "@kerno/core/backends/kernels.js";
import { registerBackend } from "@kerno/core/backends/registry.js";
import { type KernelModule, moduleKernels } from "./call.js";

const BROWSER_MODULE = new URL("../build/kerno-kernels.mjs", import.meta.url);
const BROWSER_WASM = new URL("../build/kerno-kernels.wasm", import.meta.url);
const NODE_MODULE = new URL("../build/kerno-kernels-threads.cjs", import.meta.url);
const NODE_WASM = new URL("../build/kerno-kernels-threads.wasm", import.meta.url);

type CreateModule = (options: {
  wasmBinary: Uint8Array;
  locateFile?: (path: string, dir: string) => string;
}) => Promise<KernelModule & { PThread?: { unusedWorkers: Unref[]; runningWorkers: Unref[] } }>;
type Unref = { unref?: () => void };

/** The build for this platform and its .wasm's bytes: in Node the threaded one (read from disk), elsewhere the one-thread ES module (fetched). */
async function moduleFiles(): Promise<{ create: CreateModule; bytes: Uint8Array; threaded: boolean }> {
  const nodeVersion = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (nodeVersion) {
    const [{ createRequire }, { readFile }, { fileURLToPath }] = await Promise.all([import("node:module"), import("node:fs/promises"), import("node:url")]);
    const create = createRequire(import.meta.url)(fileURLToPath(NODE_MODULE)) as CreateModule;
    return { create, bytes: await readFile(NODE_WASM), threaded: true };
  }
  const create = (await import(/* @vite-ignore */ BROWSER_MODULE.href)).default as CreateModule;
  const response = await fetch(BROWSER_WASM);
  if (!response.ok) throw new Error(`wasm: fetching ${BROWSER_WASM.href} gave HTTP ${response.status}`);
  return { create, bytes: new Uint8Array(await response.arrayBuffer()), threaded: false };
}

let threads = 0;
/** The threads the loaded module's kernels run on (0 before it loads). */
export const wasmThreads = (): number => threads;

/** The wasm module's kernels as a Kernels object (the TypeScript kernels serve what the module does not). */
export async function loadWasmKernels(): Promise<Kernels> {
  let files: Awaited<ReturnType<typeof moduleFiles>>;
  try {
    files = await moduleFiles();
  } catch (err) {
    throw new Error(`the WebAssembly kernels are not built (${(err as Error).message}; run 'npm run build:wasm -w @kerno/wasm', which needs Emscripten)`);
  }
  // the threads' worker script is CommonJS (.cjs) in this package of ES modules
  const locateFile = (path: string, dir: string) => dir + path.replace(/\.worker\.js$/, ".worker.cjs");
  const module = await files.create({ wasmBinary: files.bytes, locateFile });
  // the threads wait for work and must not keep Node running once the program is done
  for (const worker of [...(module.PThread?.unusedWorkers ?? []), ...(module.PThread?.runningWorkers ?? [])]) worker.unref?.();
  threads = module._kerno_threads();
  if (!files.threaded) console.info("kerno: the wasm backend runs on one thread in this build for browsers (threads there need a cross-origin isolated page)");
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
