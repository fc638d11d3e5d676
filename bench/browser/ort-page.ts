/**
 * The browser section's ONNX Runtime Web page (bundled by section.ts): the kerno model exported to
 * ONNX in Node (/data/mnist-cnn.onnx) on the wasm execution provider, predicting the test digits
 * in one batch. Query: ?seconds=N&threads=N (ONNX Runtime Web runs more than one only in a
 * cross-origin isolated page; left to itself it takes half the cores).
 */
import * as ort from "onnxruntime-web/wasm";
import { accuracy, callsPerSecond, fetchDigits, PIXELS, publish, scaled } from "./spec.js";

publish(async () => {
  const query = new URLSearchParams(location.search);
  const seconds = Number(query.get("seconds") ?? 3);
  ort.env.wasm.wasmPaths = "/ort/";
  ort.env.wasm.numThreads = crossOriginIsolated ? Number(query.get("threads") ?? navigator.hardwareConcurrency) : 1;
  const model = await fetch("/data/mnist-cnn.onnx");
  if (!model.ok) throw new Error(`fetching /data/mnist-cnn.onnx gave HTTP ${model.status}`);
  const session = await ort.InferenceSession.create(new Uint8Array(await model.arrayBuffer()), { executionProviders: ["wasm"] });
  const { testImages, testLabels } = await fetchDigits();
  const n = testLabels.length;
  if (testImages.length !== n * PIXELS) throw new Error(`ort page: ${testImages.length} pixels for ${n} digits`);
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", scaled(testImages), [n, 28, 28, 1]) };
  const run = () => session.run(feeds);
  const probs = (await run())[session.outputNames[0]].data as Float32Array;
  const inference = n * (await callsPerSecond(run, seconds));
  return { threads: ort.env.wasm.numThreads, accuracy: accuracy(probs, testLabels), inference };
});
