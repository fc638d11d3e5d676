/**
 * The course's models (the MNIST CNN, the traffic forecasters, Tiny Darknet) exported to ONNX give kerno's
 * predictions in ONNX Runtime.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { onnxDifference } from "../../packages/node/test/helpers/onnx-runtime.js";
import { Bidirectional, Dense, GRU, Input, LSTM, Sequential, TinyDarknet } from "../../src/index.js";
import { mnistCnnModel } from "../../src/recipes/mnist-models.js";
import { forecaster } from "../../src/recipes/traffic-data.js";

test("the MNIST CNN, the traffic LSTM and a Bidirectional GRU exported to ONNX match kerno in ONNX Runtime within 1e-4 (any batch size)", async () => {
  assert.ok((await onnxDifference(mnistCnnModel(), [3, 28, 28, 1])) < 1e-4);
  assert.ok((await onnxDifference(mnistCnnModel(), [1, 28, 28, 1])) < 1e-4);
  assert.ok((await onnxDifference(forecaster("lstm", "natural", 6, 1), [4, 6, 1])) < 1e-4);
  assert.ok((await onnxDifference(forecaster("simple_rnn", "course", 6, 1), [2, 1, 6])) < 1e-4);
  const bigru = new Sequential([
    Input({ shape: [7, 3] }),
    new Bidirectional({ layer: new GRU({ units: 5, returnSequences: true }) }),
    new Bidirectional({ layer: new LSTM({ units: 4 }), mergeMode: "ave" }),
    new Dense({ units: 2, activation: "softmax" }),
  ]);
  assert.ok((await onnxDifference(bigru, [3, 7, 3])) < 1e-4);
});

test("Tiny Darknet (ImageNet weights) matches in ONNX Runtime", {
  skip: needsData("Tiny Darknet", "imagenet-pretrained/tiny_darknet_tfjs/model.json"),
}, async () => {
  assert.ok((await onnxDifference(await TinyDarknet(), [2, 224, 224, 3])) < 1e-4);
});
