/**
 * What the webgpu browser test runs in Chromium (bundled by browser.test.ts): every kernel
 * conformance case and the op-level gradient suite on the webgpu backend (through replay.ts, since
 * the GPU answers asynchronously), and a small CNN trained with fit on webgpu and on the
 * TypeScript backend from the same seed, with the GPU memory the backend holds after each epoch, and
 * the course's MNIST CNN's GPU memory batch by batch.
 * `?cases=a,b` runs only those kernels' cases (for work on a kernel). The result lands on
 * `window.kernoResult`.
 */
import { getBackend, registerBackend, setBackend, type Tensor, valueAndGrad } from "@kerno/core";
import type { Kernels } from "@kerno/core/backends/kernels.js";
import { backend } from "@kerno/core/backends/registry.js";
import { gpuMethods, registerWebGpu } from "@kerno/webgpu";
import { reseedCases } from "../../../core/test/helpers/kernel-cases.js";
import { conformanceCases } from "../../../core/test/helpers/kernel-conformance/cases.js";
import { GRADIENT_CASES } from "./gradient-cases.js";
import { mnistCnnMemory } from "./mnist-memory.js";
import { replayed } from "./replay.js";
import { trainSmallCnn } from "./small-cnn.js";

interface Failure {
  kernel: string;
  error: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const largest = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / (1e-3 + Math.abs(b[i]))), 0);

async function run() {
  const gpu = await registerWebGpu();
  setBackend("webgpu");
  const webgpu = backend();
  const only = new URLSearchParams(location.search).get("cases")?.split(",");
  const read = (arrays: Parameters<typeof gpu.read>[0]) => gpu.read(arrays);

  const failures: Failure[] = [];
  let cases = 0;
  for (const [kernel, body] of Object.entries(conformanceCases)) {
    if (only && !only.includes(kernel)) continue;
    cases++;
    try {
      await replayed(webgpu, body, () => reseedCases(), read);
    } catch (err) {
      failures.push({ kernel, error: message(err) });
    }
  }

  // the gradient suite: ops on a replaying backend against the same ops on the TypeScript one
  let current: Kernels = webgpu;
  registerBackend("webgpu-replay", () => new Proxy({} as Kernels, { get: (_t, prop) => Reflect.get(current, prop) }));
  const gradients: Failure[] = [];
  const gradientNames: string[] = [];
  for (const c of only ? [] : GRADIENT_CASES) {
    gradientNames.push(c.name);
    setBackend("js");
    const grad = (xs: Tensor[]) => valueAndGrad((ps: Tensor[]) => c.f(ps))(xs);
    try {
      const want = grad(c.inputs());
      const wantValues = [want.value.floats().slice(), ...want.grads.map((g) => g.floats().slice())];
      await replayed(
        webgpu,
        (n) => {
          current = n;
          setBackend("webgpu-replay");
          const got = grad(c.inputs());
          const gotValues = [got.value.floats(), ...got.grads.map((g) => g.floats())];
          gotValues.forEach((g, i) => {
            const d = largest(g, wantValues[i]);
            if (!(d < 2e-3)) throw new Error(`${i === 0 ? "value" : `gradient ${i - 1}`} differs by ${d.toExponential(2)} (relative)`);
          });
        },
        () => {},
        read,
      );
    } catch (err) {
      gradients.push({ kernel: c.name, error: message(err) });
    }
  }

  setBackend("webgpu");
  const training = only
    ? null
    : {
        webgpu: await trainSmallCnn(() => gpu.stats().allocatedBytes),
        js: await (async () => {
          setBackend("js");
          const r = await trainSmallCnn(() => 0);
          setBackend("webgpu");
          return r;
        })(),
        mnistMemory: await mnistCnnMemory(() => gpu.stats().allocatedBytes),
      };

  return {
    backend: getBackend(),
    adapter: (gpu.device as { adapterInfo?: { architecture?: string } }).adapterInfo?.architecture ?? "",
    onGpu: gpuMethods(gpu),
    cases,
    failures,
    gradientCases: gradientNames,
    gradients,
    training,
  };
}

(window as unknown as { kernoResult: Promise<unknown> }).kernoResult = run().catch((err: Error) => ({ error: `${err.message}\n${err.stack}` }));
