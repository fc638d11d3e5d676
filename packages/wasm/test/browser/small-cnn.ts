/** The small CNN the browser test trains on the wasm backend, on the page and in a worker: its losses, epoch by epoch. */
import { Conv2D, Dense, Flatten, Input, MaxPooling2D, randomNormal, Sequential, tensor } from "@kerno/core";

export async function trainSmallCnn(): Promise<number[]> {
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
  return history.history.loss;
}
