/**
 * The course's two MNIST models, on @kerno/core alone: the recipes (Node) and the playground page
 * (a browser) build the same networks from here.
 */
import { Conv2D } from "@kerno/core/layers/conv.js";
import { Dense } from "@kerno/core/layers/dense.js";
import { Input } from "@kerno/core/layers/input.js";
import { MaxPooling2D } from "@kerno/core/layers/pooling.js";
import { Flatten } from "@kerno/core/layers/reshaping.js";
import { Sequential } from "@kerno/core/models/sequential.js";

export function mnistDenseModel(): Sequential {
  return new Sequential([
    Input({ shape: [28, 28] }),
    new Flatten(),
    new Dense({ units: 64, activation: "relu" }),
    new Dense({ units: 10, activation: "softmax" }),
  ]);
}

export function mnistCnnModel(classes = 10, name?: string): Sequential {
  return new Sequential(
    [
      Input({ shape: [28, 28, 1] }),
      new Conv2D({ filters: 32, kernelSize: 3, activation: "relu" }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: "relu" }),
      new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 128, kernelSize: 3, activation: "relu" }),
      new Flatten(),
      new Dense({ units: classes, activation: "softmax" }),
    ],
    name ? { name } : undefined,
  );
}
