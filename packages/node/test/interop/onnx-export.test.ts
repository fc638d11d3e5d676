import assert from "node:assert/strict";
import { test } from "node:test";
import {
  BatchNormalization,
  Concatenate,
  Conv1D,
  Conv2D,
  Dense,
  DepthwiseConv2D,
  Dropout,
  Embedding,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  Input,
  MaxPooling1D,
  Model,
  Rescaling,
  randomUniform,
  Sequential,
  ZeroPadding2D,
} from "@kerno/core";
import { toOnnx } from "../../src/interop/onnx-export.js";
import { onnxDifference } from "../helpers/onnx-runtime.js";

test("convolutions in NCHW inside, Keras's NHWC order outside: padding, depthwise, batch norm, concatenation, dropout removed", async () => {
  const inputs = Input({ shape: [9, 9, 3] });
  let x = new Rescaling({ scale: 1 / 255, offset: -0.5 }).apply(inputs);
  x = new ZeroPadding2D({ padding: 1 }).apply(x);
  const a = new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }).apply(x);
  const b = new DepthwiseConv2D({ kernelSize: 3, strides: 2, padding: "same", depthMultiplier: 2 }).apply(x);
  x = new Concatenate().apply([a, b]) as typeof x;
  x = new BatchNormalization().apply(x);
  x = new Dropout({ rate: 0.5 }).apply(x);
  const outputs = new Dense({ units: 3, activation: "swish" }).apply(new GlobalAveragePooling2D().apply(x));
  const model = new Model({ inputs, outputs });
  const bn = model.layers.find((l) => l.className === "BatchNormalization")!;
  for (const v of bn.weights) v.assign(randomUniform(v.shape, 0.5, 1.5, { seed: 9 }));
  assert.ok((await onnxDifference(model, [2, 9, 9, 3])) < 1e-4);
});

test("sequences of channels: Conv1D and 1-D pooling", async () => {
  const model = new Sequential([
    Input({ shape: [12, 2] }),
    new Conv1D({ filters: 3, kernelSize: 3, padding: "same", activation: "tanh" }),
    new MaxPooling1D({ poolSize: 2 }),
    new Conv1D({ filters: 4, kernelSize: 2, strides: 2 }),
    new GlobalAveragePooling1D(),
    new Dense({ units: 1 }),
  ]);
  assert.ok((await onnxDifference(model, [3, 12, 2])) < 1e-4);
});

test("a layer ONNX export does not cover is an error naming it", () => {
  const embedding = new Sequential([Input({ shape: [4] }), new Embedding({ inputDim: 10, outputDim: 3, name: "words" })]);
  assert.throws(() => toOnnx(embedding), /ONNX export: layer 'words' \(Embedding\) cannot be exported to ONNX/);
  const gelu = new Sequential([Input({ shape: [3] }), new Dense({ units: 2, activation: "gelu", name: "g" })]);
  assert.throws(() => toOnnx(gelu), /layer 'g' \(Dense\): activation 'gelu' cannot be exported/);
});
