/**
 * `window.kerno` in the playground page: @kerno/core's API (the package's), plus the course's
 * pieces that run in a browser: `datasets` (fetched from the page's server), `attacks`, the MNIST
 * `models`, and a `setBackend` that loads a backend's module first (`await kerno.setBackend("wasm")`,
 * `await kerno.setBackend("webgpu")`).
 */
import * as core from "@kerno/core";
import { onePixelAttack } from "../../attacks/one-pixel.js";
import { mnistCnnModel, mnistDenseModel } from "../../recipes/mnist-models.js";
import * as datasets from "./datasets.js";

/** Backends the page can load, each by its module; "js" is always there. */
const LOADERS: Record<string, () => Promise<string>> = {
  js: async () => "TypeScript kernels, one thread",
  wasm: async () => {
    const wasm = await import("@kerno/wasm");
    const threads = wasm.wasmThreads();
    return `WebAssembly kernels, ${threads} thread${threads === 1 ? "" : "s"}${globalThis.crossOriginIsolated ? "" : " (the page is not cross-origin isolated)"}`;
  },
  webgpu: async () => {
    const { registerWebGpu } = await import("@kerno/webgpu");
    const gpu = await registerWebGpu();
    return `WebGPU kernels on ${gpu.adapter}; training and evaluation run on the GPU, the drawing, inspection and attack panels on the CPU (they read every result at once)`;
  },
};

/**
 * Runs `fn` on a CPU backend when the active one keeps its tensors on a device: the page's
 * drawing, inspection and attack panels read their results synchronously.
 */
export function onCpu<T>(fn: () => T): T {
  if (core.getBackend() !== "webgpu") return fn();
  return core.withBackend(core.listBackends().includes("wasm") ? "wasm" : "js", fn);
}

export const pageBackends = Object.keys(LOADERS);

/** Loads the backend's module and makes it the active backend; resolves with a line describing it. */
export async function setBackend(name: string): Promise<string> {
  const load = LOADERS[name];
  if (!load) throw new RangeError(`setBackend: unknown backend '${name}' in this page; it has ${pageBackends.join(", ")}`);
  const description = await load();
  core.setBackend(name);
  return description;
}

export function playgroundKerno() {
  return {
    ...core,
    setBackend,
    datasets: { mnist: datasets.mnist, fashionMnist: datasets.fashionMnist, mnistBytes: datasets.mnistBytes },
    attacks: { onePixelAttack },
    models: { mnistCnnModel, mnistDenseModel },
  };
}

export type PlaygroundKerno = ReturnType<typeof playgroundKerno>;
