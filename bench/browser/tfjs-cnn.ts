/** The MNIST CNN of spec.ts's table built with TensorFlow.js's tf.layers, compiled with RMSprop as Keras does (both TensorFlow.js pages). */
import * as tf from "@tensorflow/tfjs";
import { type LayerSpec, MNIST_CNN, RMSPROP } from "./spec.js";

function layerOf(s: LayerSpec, first: boolean) {
  const input = first ? { inputShape: [28, 28, 1] } : {};
  switch (s.layer) {
    case "conv":
      return tf.layers.conv2d({ ...input, filters: s.filters, kernelSize: 3, activation: "relu" });
    case "pool":
      return tf.layers.maxPooling2d({ ...input, poolSize: 2 });
    case "flatten":
      return tf.layers.flatten(input);
    case "dense":
      return tf.layers.dense({ ...input, units: s.units, activation: s.activation });
  }
}

export function tfCnn(): tf.Sequential {
  const model = tf.sequential({ layers: MNIST_CNN.map((s, i) => layerOf(s, i === 0)) });
  const { learningRate, rho, momentum, epsilon } = RMSPROP;
  model.compile({ optimizer: tf.train.rmsprop(learningRate, rho, momentum, epsilon), loss: "sparseCategoricalCrossentropy" });
  return model;
}
