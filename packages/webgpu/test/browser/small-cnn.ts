/**
 * The small CNN the webgpu browser test trains with fit: its losses epoch by epoch and, after
 * each epoch, what `allocated()` reports (the GPU memory the backend holds, with the garbage
 * collected first where the page may ask for it).
 */
import { Conv2D, Dense, Flatten, Input, MaxPooling2D, randomNormal, Sequential, setSeed, tensor } from "@kerno/core";
import { collectGarbage } from "./collect.js";

export async function trainSmallCnn(allocated: () => number): Promise<{ losses: number[]; accuracy: number[]; allocated: number[] }> {
  setSeed(5);
  const model = new Sequential([
    Input({ shape: [10, 10, 1] }),
    new Conv2D({ filters: 6, kernelSize: 3, activation: "relu" }),
    new MaxPooling2D(),
    new Conv2D({ filters: 8, kernelSize: 3, activation: "relu" }),
    new Flatten(),
    new Dense({ units: 16, activation: "relu" }),
    new Dense({ units: 3, activation: "softmax" }),
  ]);
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const images = randomNormal([96, 10, 10, 1], 0, 1, { seed: 3 });
  const labels = tensor(
    Int32Array.from({ length: 96 }, (_, i) => i % 3),
    [96],
    "int32",
  );
  const memory: number[] = [];
  const history = await model.fit(images, labels, {
    epochs: 6,
    batchSize: 16,
    shuffle: false,
    verbose: 0,
    callbacks: [
      {
        onEpochEnd: async () => {
          memory.push(await collectGarbage(allocated));
        },
      },
    ],
  });
  return { losses: history.history.loss, accuracy: history.history.accuracy, allocated: memory };
}
