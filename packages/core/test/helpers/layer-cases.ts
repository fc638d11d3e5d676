/**
 * One small case per built-in layer class (a Record over the registry's class names, so a new
 * layer without a case does not compile): the save/load round trips of kerno's own format and of
 * Keras's .keras archive run over them.
 */

import {
  Activation,
  Add,
  Average,
  AveragePooling1D,
  AveragePooling2D,
  BatchNormalization,
  Bidirectional,
  CenterCrop,
  Concatenate,
  Conv1D,
  Conv2D,
  Dense,
  DepthwiseConv2D,
  Dropout,
  Embedding,
  Flatten,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GRU,
  HierarchyCombine,
  Input,
  type Layer,
  LeakyReLU,
  LSTM,
  Masking,
  Maximum,
  MaxPooling1D,
  MaxPooling2D,
  Minimum,
  Model,
  Multiply,
  RandomBrightness,
  RandomContrast,
  RandomCrop,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  ReLU,
  Rescaling,
  Reshape,
  Resizing,
  randomNormal,
  SimpleRNN,
  Softmax,
  Subtract,
  type SymbolicTensor,
  type Tensor,
  TimeDistributed,
  tensor,
  ZeroPadding2D,
} from "../../src/index.js";
import { PreprocessInput } from "../../src/layers/preprocess-input.js";
import type { BuiltinLayerName } from "../../src/layers/registry.js";

export interface LayerCase {
  layer: () => Layer;
  inputs: number[][];
  ints?: boolean;
}
export const layerCases: Record<BuiltinLayerName, LayerCase | "input"> = {
  InputLayer: "input",
  Activation: { layer: () => new Activation({ activation: "tanh" }), inputs: [[5]] },
  LeakyReLU: { layer: () => new LeakyReLU({ alpha: 0.1 }), inputs: [[5]] },
  ReLU: { layer: () => new ReLU({ maxValue: 0.5 }), inputs: [[5]] },
  Softmax: { layer: () => new Softmax(), inputs: [[5]] },
  BatchNormalization: { layer: () => new BatchNormalization({ momentum: 0.9 }), inputs: [[4, 4, 3]] },
  Conv1D: { layer: () => new Conv1D({ filters: 3, kernelSize: 2, padding: "same", activation: "relu" }), inputs: [[6, 2]] },
  Conv2D: { layer: () => new Conv2D({ filters: 3, kernelSize: 3, strides: 2, activation: "sigmoid" }), inputs: [[7, 7, 2]] },
  Dense: { layer: () => new Dense({ units: 3, activation: "softmax" }), inputs: [[4]] },
  Dropout: { layer: () => new Dropout({ rate: 0.4 }), inputs: [[4]] },
  Add: { layer: () => new Add(), inputs: [[3], [3]] },
  Average: { layer: () => new Average(), inputs: [[3], [3]] },
  Maximum: { layer: () => new Maximum(), inputs: [[3], [3], [3]] },
  Minimum: { layer: () => new Minimum(), inputs: [[3], [3]] },
  Concatenate: { layer: () => new Concatenate({ axis: -1 }), inputs: [[3], [2]] },
  Multiply: { layer: () => new Multiply(), inputs: [[3], [3]] },
  HierarchyCombine: { layer: () => new HierarchyCombine({ groups: [[2, 0], [1]], mode: "product" }), inputs: [[2], [2]] },
  Subtract: { layer: () => new Subtract(), inputs: [[3], [3]] },
  AveragePooling1D: { layer: () => new AveragePooling1D({ poolSize: 2 }), inputs: [[6, 2]] },
  AveragePooling2D: { layer: () => new AveragePooling2D({ poolSize: 2, padding: "same" }), inputs: [[5, 5, 2]] },
  GlobalAveragePooling1D: { layer: () => new GlobalAveragePooling1D(), inputs: [[6, 2]] },
  GlobalAveragePooling2D: { layer: () => new GlobalAveragePooling2D({ keepdims: true }), inputs: [[4, 4, 2]] },
  GlobalMaxPooling1D: { layer: () => new GlobalMaxPooling1D(), inputs: [[6, 2]] },
  GlobalMaxPooling2D: { layer: () => new GlobalMaxPooling2D(), inputs: [[4, 4, 2]] },
  MaxPooling1D: { layer: () => new MaxPooling1D({ poolSize: 3 }), inputs: [[6, 2]] },
  MaxPooling2D: { layer: () => new MaxPooling2D({ poolSize: 2, strides: 1 }), inputs: [[4, 4, 2]] },
  Flatten: { layer: () => new Flatten(), inputs: [[2, 3, 2]] },
  Reshape: { layer: () => new Reshape({ targetShape: [3, 2] }), inputs: [[6]] },
  Rescaling: { layer: () => new Rescaling({ scale: 1 / 255, offset: -1 }), inputs: [[4]] },
  SimpleRNN: { layer: () => new SimpleRNN({ units: 3, activation: "softsign" }), inputs: [[4, 2]] },
  LSTM: { layer: () => new LSTM({ units: 3, returnSequences: true }), inputs: [[4, 2]] },
  GRU: { layer: () => new GRU({ units: 3, resetAfter: false }), inputs: [[4, 2]] },
  Embedding: { layer: () => new Embedding({ inputDim: 10, outputDim: 3, maskZero: true }), inputs: [[4]], ints: true },
  Masking: { layer: () => new Masking({ maskValue: 0.5 }), inputs: [[4, 2]] },
  Bidirectional: { layer: () => new Bidirectional({ layer: new GRU({ units: 2 }), mergeMode: "ave" }), inputs: [[4, 2]] },
  TimeDistributed: { layer: () => new TimeDistributed({ layer: new Dense({ units: 2 }) }), inputs: [[4, 3]] },
  Resizing: { layer: () => new Resizing({ height: 3, width: 5, cropToAspectRatio: true }), inputs: [[6, 4, 2]] },
  CenterCrop: { layer: () => new CenterCrop({ height: 3, width: 2 }), inputs: [[5, 4, 3]] },
  RandomCrop: { layer: () => new RandomCrop({ height: 3, width: 2, seed: 1 }), inputs: [[5, 4, 3]] },
  RandomFlip: { layer: () => new RandomFlip({ mode: "horizontal", seed: 1 }), inputs: [[4, 4, 3]] },
  RandomRotation: { layer: () => new RandomRotation({ factor: 0.1, fillMode: "nearest", seed: 2 }), inputs: [[4, 4, 3]] },
  RandomZoom: { layer: () => new RandomZoom({ heightFactor: [-0.2, 0.3], widthFactor: 0.1 }), inputs: [[4, 4, 3]] },
  RandomTranslation: { layer: () => new RandomTranslation({ heightFactor: 0.1, widthFactor: [0, 0.2], fillMode: "wrap" }), inputs: [[4, 4, 3]] },
  RandomContrast: { layer: () => new RandomContrast({ factor: 0.2 }), inputs: [[4, 4, 3]] },
  RandomBrightness: { layer: () => new RandomBrightness({ factor: [-0.1, 0.2], valueRange: [0, 1] }), inputs: [[4, 4, 3]] },
  DepthwiseConv2D: { layer: () => new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: "same", activation: "relu" }), inputs: [[5, 5, 3]] },
  PreprocessInput: { layer: () => new PreprocessInput({ mode: "caffe" }), inputs: [[2, 2, 3]] },
  ZeroPadding2D: {
    layer: () =>
      new ZeroPadding2D({
        padding: [
          [0, 1],
          [2, 1],
        ],
      }),
    inputs: [[3, 3, 2]],
  },
};

/** The case's layer applied to fresh inputs, as a one-layer functional model. */
export function caseModel(c: LayerCase): { model: Model; layer: Layer } {
  const inputs = c.inputs.map((shape) => Input({ shape, dtype: c.ints ? "int32" : "float32" }));
  const layer = c.layer();
  const out = (inputs.length === 1 ? layer.apply(inputs[0]) : layer.apply(inputs)) as SymbolicTensor;
  return { model: new Model({ inputs, outputs: out }), layer };
}

/** A batch of two for each of the case's inputs (integer ids for Embedding). */
export function caseData(c: LayerCase): Tensor[] {
  return c.inputs.map((shape, i) =>
    c.ints
      ? tensor(
          Int32Array.from({ length: 2 * shape.reduce((a, b) => a * b, 1) }, (_, j) => (j * 7 + i) % 10),
          [2, ...shape],
          "int32",
        )
      : randomNormal([2, ...shape], 0.5, 1, { seed: 7 + i }),
  );
}
