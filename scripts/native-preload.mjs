// Preloaded by scripts/run-tests.mjs: registers @kerno/node's native backend before the tests of
// @kerno/core (which do not import it) run, so they run on it too. Worker threads inherit the
// preload but not tsx's hooks, and load what they need themselves: they skip it.
import { isMainThread } from "node:worker_threads";

if (isMainThread) await import("../packages/node/src/backends/native/index.ts");
// KERNO_BACKEND=wasm: @kerno/wasm registered too, for the same tests on the WebAssembly kernels
if (isMainThread && process.env.KERNO_BACKEND === "wasm") await import("../packages/wasm/src/index.ts");
