/**
 * GPU memory while the course's MNIST CNN trains (Conv2D 32, 64, 128 with max pooling, Flatten,
 * Dense 10; RMSprop; batch 64) on the webgpu backend: what the backend has allocated after each
 * batch, the garbage collected first (a step's arrays die with the step; their GPU buffers return
 * to the free list from finalizers, which run a turn later). Random digits: the memory, not the
 * accuracy, is the point (the playground test checks the accuracy on MNIST).
 */
import { Conv2D, Dense, Flatten, Input, MaxPooling2D, randomUniform, Sequential, setSeed, tensor } from "@kerno/core";
import { collectGarbage } from "./collect.js";

export async function mnistCnnMemory(allocated: () => number, batches = 5): Promise<number[]> {
  setSeed(2);
  const model = new Sequential([
    Input({ shape: [28, 28, 1] }),
    new Conv2D({ filters: 32, kernelSize: 3, activation: "relu" }),
    new MaxPooling2D(),
    new Conv2D({ filters: 64, kernelSize: 3, activation: "relu" }),
    new MaxPooling2D(),
    new Conv2D({ filters: 128, kernelSize: 3, activation: "relu" }),
    new Flatten(),
    new Dense({ units: 10, activation: "softmax" }),
  ]);
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const n = 64 * batches;
  const digits = randomUniform([n, 28, 28, 1], 0, 1, { seed: 6 });
  const labels = tensor(
    Int32Array.from({ length: n }, (_, i) => i % 10),
    [n],
    "int32",
  );
  const memory: number[] = [];
  await model.fit(digits, labels, {
    epochs: 1,
    batchSize: 64,
    verbose: 0,
    callbacks: [
      {
        onTrainBatchEnd: async () => {
          memory.push(await collectGarbage(allocated));
        },
      },
    ],
  });
  return memory;
}
