/** Outcome 1: a CNN, in the Sequential and the functional API, its summary and its graph. */
import { Conv2D, Dense, Flatten, Input, MaxPooling2D, Model, plotModel, Sequential } from "../src/index.js";

export function run(out: string) {
  // #region build-cnn
  const sequential = new Sequential([
    Input({ shape: [28, 28, 1] }),
    new Conv2D({ filters: 32, kernelSize: 3, activation: "relu" }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 64, kernelSize: 3, activation: "relu" }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 128, kernelSize: 3, activation: "relu" }),
    new Flatten(),
    new Dense({ units: 10, activation: "softmax" }),
  ]);
  sequential.summary(); // Total params: 104,202

  // the same network in the functional API
  const inputs = Input({ shape: [28, 28, 1] });
  let x = new Conv2D({ filters: 32, kernelSize: 3, activation: "relu" }).apply(inputs);
  x = new MaxPooling2D({ poolSize: 2 }).apply(x);
  x = new Conv2D({ filters: 64, kernelSize: 3, activation: "relu" }).apply(x);
  x = new MaxPooling2D({ poolSize: 2 }).apply(x);
  x = new Conv2D({ filters: 128, kernelSize: 3, activation: "relu" }).apply(x);
  const outputs = new Dense({ units: 10, activation: "softmax" }).apply(new Flatten().apply(x));
  const functional = new Model({ inputs, outputs });
  plotModel(functional, `${out}/cnn.svg`); // and cnn.dot
  // #endregion
  return { sequential, functional };
}
