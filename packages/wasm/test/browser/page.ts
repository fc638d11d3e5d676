/**
 * What the browser test runs in Chromium (bundled by browser.test.ts): the wasm backend against
 * the TypeScript one on a convolution and its gradients, and a small CNN trained on the wasm
 * backend. The result lands on `window.kernoResult`.
 */
import {
  Conv2D,
  conv2d,
  Dense,
  Flatten,
  getBackend,
  Input,
  MaxPooling2D,
  randomNormal,
  Sequential,
  setBackend,
  sum,
  type Tensor,
  tensor,
  valueAndGrad,
} from "@kerno/core";
import "@kerno/wasm";

const largest = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

async function run() {
  const x = randomNormal([2, 9, 9, 3], 0, 1, { seed: 1 });
  const w = randomNormal([3, 3, 3, 4], 0, 0.5, { seed: 2 });
  const step = () => valueAndGrad((p: Tensor[]) => sum(conv2d(p[0], p[1], { activation: "relu", padding: "same" })))([x, w]);
  setBackend("js");
  const reference = step();
  setBackend("wasm");
  const got = step();
  const difference = Math.max(...reference.grads.map((g, i) => largest(g.floats(), got.grads[i].floats())));
  const model = new Sequential([
    Input({ shape: [8, 8, 1] }),
    new Conv2D({ filters: 4, kernelSize: 3, activation: "relu" }),
    new MaxPooling2D(),
    new Flatten(),
    new Dense({ units: 2, activation: "softmax" }),
  ]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy" });
  const images = randomNormal([32, 8, 8, 1], 0, 1, { seed: 3 });
  const labels = tensor(
    Int32Array.from({ length: 32 }, (_, i) => i % 2),
    [32],
    "int32",
  );
  const history = await model.fit(images, labels, { epochs: 5, batchSize: 8, verbose: 0 });
  return { backend: getBackend(), difference, losses: history.history.loss };
}

(window as unknown as { kernoResult: Promise<unknown> }).kernoResult = run().catch((err: Error) => ({ error: `${err.message}\n${err.stack}` }));
