/**
 * The course's models (the MNIST CNN, the traffic forecasters, Tiny Darknet) exported to ONNX give kerno's
 * predictions in ONNX Runtime.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { toOnnx } from "@kerno/node/interop/onnx-export.js";
import * as ort from "onnxruntime-node";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { Bidirectional, Dense, GRU, Input, LSTM, type Model, randomUniform, Sequential, type Tensor, TinyDarknet } from "../../src/index.js";
import { mnistCnnModel } from "../../src/recipes/mnist.js";
import { forecaster } from "../../src/recipes/traffic-data.js";

/** The largest difference between kerno's predict and ONNX Runtime on the exported model. */
async function difference(model: Model, shape: number[]): Promise<number> {
  const x = randomUniform(shape, 0, 1, { seed: 5 });
  const want = (model.predict(x) as Tensor).floats();
  const session = await ort.InferenceSession.create(toOnnx(model));
  const got = (await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", x.floats(), shape) }))[session.outputNames[0]];
  assert.deepEqual(got.dims, [shape[0], ...(model.outputs[0].shape.slice(1) as number[])]);
  return Math.max(...Array.from(want, (v, i) => Math.abs(v - (got.data as Float32Array)[i])));
}

test("the MNIST CNN, the traffic LSTM and a Bidirectional GRU exported to ONNX match kerno in ONNX Runtime within 1e-4 (any batch size)", async () => {
  assert.ok((await difference(mnistCnnModel(), [3, 28, 28, 1])) < 1e-4);
  assert.ok((await difference(mnistCnnModel(), [1, 28, 28, 1])) < 1e-4);
  assert.ok((await difference(forecaster("lstm", "natural", 6, 1), [4, 6, 1])) < 1e-4);
  assert.ok((await difference(forecaster("simple_rnn", "course", 6, 1), [2, 1, 6])) < 1e-4);
  const bigru = new Sequential([
    Input({ shape: [7, 3] }),
    new Bidirectional({ layer: new GRU({ units: 5, returnSequences: true }) }),
    new Bidirectional({ layer: new LSTM({ units: 4 }), mergeMode: "ave" }),
    new Dense({ units: 2, activation: "softmax" }),
  ]);
  assert.ok((await difference(bigru, [3, 7, 3])) < 1e-4);
});

test("Tiny Darknet (ImageNet weights) matches in ONNX Runtime", {
  skip: needsData("Tiny Darknet", "imagenet-pretrained/tiny_darknet_tfjs/model.json"),
}, async () => {
  assert.ok((await difference(await TinyDarknet(), [2, 224, 224, 3])) < 1e-4);
});
