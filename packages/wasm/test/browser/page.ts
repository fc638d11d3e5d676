/**
 * What the browser test runs in Chromium (bundled by browser.test.ts): every case of the kernel
 * conformance suite on the wasm backend (the same cases as the Node suite, through
 * runConformance), a convolution's gradients against the TypeScript backend's, a small CNN
 * trained on the wasm backend, and the same CNN in a module worker (worker.ts). The result lands
 * on `window.kernoResult`.
 */
import { conv2d, getBackend, randomNormal, setBackend, sum, type Tensor, valueAndGrad } from "@kerno/core";
import { backend } from "@kerno/core/backends/registry.js";
import { wasmThreads } from "@kerno/wasm";
import { conformanceCases, runConformance } from "../../../core/test/helpers/kernel-conformance/cases.js";
import { trainSmallCnn } from "./small-cnn.js";

const largest = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

interface WorkerResult {
  threads?: number;
  losses?: number[];
  error?: string;
}

/** worker.ts's message: its threads and losses, or its error. */
async function inWorker(): Promise<WorkerResult> {
  const worker = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });
  try {
    return await new Promise<WorkerResult>((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => resolve({ error: `the worker failed: ${e.message}` });
    });
  } finally {
    worker.terminate();
  }
}

async function run() {
  setBackend("wasm");
  const failures = runConformance(backend());

  const x = randomNormal([2, 9, 9, 3], 0, 1, { seed: 1 });
  const w = randomNormal([3, 3, 3, 4], 0, 0.5, { seed: 2 });
  const step = () => valueAndGrad((p: Tensor[]) => sum(conv2d(p[0], p[1], { activation: "relu", padding: "same" })))([x, w]);
  setBackend("js");
  const reference = step();
  setBackend("wasm");
  const got = step();
  const difference = Math.max(...reference.grads.map((g, i) => largest(g.floats(), got.grads[i].floats())));

  return {
    backend: getBackend(),
    isolated: globalThis.crossOriginIsolated === true,
    threads: wasmThreads(),
    cores: navigator.hardwareConcurrency,
    cases: Object.keys(conformanceCases).length,
    failures,
    difference,
    losses: await trainSmallCnn(),
    worker: await inWorker(),
  };
}

(window as unknown as { kernoResult: Promise<unknown> }).kernoResult = run().catch((err: Error) => ({ error: `${err.message}\n${err.stack}` }));
