/**
 * The WebAssembly kernels stand in for the native addon where it could not build (no compiler, an
 * unsupported platform), ahead of the TypeScript backend, and wherever KERNO_BACKEND=wasm asks for
 * them. @kerno/wasm is an optional peer: without it, the TypeScript backend is the fallback, and
 * `kerno doctor` says which runs and why.
 */
import { loadAddon } from "@kerno/node/backends/native/index.js";

function nativeLoads(): boolean {
  try {
    loadAddon();
    return true;
  } catch {
    return false;
  }
}

/** Whether @kerno/wasm was imported here (an installed peer), and why not otherwise. */
export const wasmFallback: { imported: boolean; why: string } = { imported: false, why: "not needed: the native addon loads" };

if (process.env.KERNO_BACKEND?.trim() === "wasm" || !nativeLoads()) {
  try {
    const { wasmThreads } = await import("@kerno/wasm");
    wasmFallback.imported = true;
    wasmFallback.why = wasmThreads() > 0 ? `imported, ${wasmThreads()} threads` : "imported, but its module did not load (see the backend notes)";
  } catch (err) {
    wasmFallback.why = `@kerno/wasm is not installed (${(err as Error).message.split("\n")[0]})`;
  }
}
