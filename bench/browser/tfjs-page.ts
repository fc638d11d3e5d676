/**
 * The browser section's TensorFlow.js page (bundled by section.ts): the same MNIST CNN, built from
 * spec.ts's table with tf.layers, trained through model.fit on one backend (?backend=cpu|webgl|wasm).
 * One batch warms up (the JIT, WebGL's shaders), one more is timed to see how fast this backend is,
 * and then as many further batches as fit in `seconds` (?seconds=N), at least one: on the cpu
 * backend that is a few batches, not an epoch. Test digits are predicted (one batch of 1,000) only
 * where one call takes under `seconds` by that estimate.
 */
import * as tf from "@tensorflow/tfjs";
// importing the wasm backend registers it
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { BATCH, callsPerSecond, fetchDigits, PIXELS, publish, scaled } from "./spec.js";
import { tfCnn } from "./tfjs-cnn.js";

/** The WebGL renderer Chromium gives this page (SwiftShader: WebGL drawn on the CPU). */
function webglRenderer(): string {
  const gl = document.createElement("canvas").getContext("webgl2") ?? document.createElement("canvas").getContext("webgl");
  if (!gl) return "no WebGL context";
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

publish(async () => {
  const query = new URLSearchParams(location.search);
  const seconds = Number(query.get("seconds") ?? 3);
  const name = query.get("backend") ?? "cpu";
  const notes: string[] = [];
  setWasmPaths("/tfjs-wasm/");
  if (!(await tf.setBackend(name))) throw new Error(`TensorFlow.js: backend '${name}' did not initialize`);
  await tf.ready();
  if (name === "webgl") notes.push(`WebGL renderer: ${webglRenderer()}`);
  const threads = name === "wasm" ? (tf.backend() as unknown as { getThreadsCount?: () => number }).getThreadsCount?.() : 1;
  const { trainImages, trainLabels, testImages } = await fetchDigits();
  const n = trainLabels.length;
  const x = tf.tensor4d(scaled(trainImages), [n, 28, 28, 1]);
  const y = tf.tensor2d(Float32Array.from(trainLabels), [n, 1]);
  const model = tfCnn();
  // batches [from, from + count) through one fit call, waiting for the last update to land
  const fit = async (from: number, count: number): Promise<number> => {
    const [bx, by] = [x.slice([from * BATCH, 0, 0, 0], [count * BATCH, 28, 28, 1]), y.slice([from * BATCH, 0], [count * BATCH, 1])];
    const start = performance.now();
    await model.fit(bx, by, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 });
    await model.getWeights()[0].data();
    tf.dispose([bx, by]);
    return (performance.now() - start) / 1000;
  };
  try {
    await fit(0, 1);
  } catch (err) {
    notes.push(`training on '${name}' fails: ${(err as Error).message}`);
    return { threads, training: null, notes };
  }
  const one = await fit(1, 1);
  const more = Math.max(1, Math.min(n / BATCH - 2, Math.round((seconds - one) / one)));
  const busy = one + (await fit(2, more));
  const trainedImages = (1 + more) * BATCH;
  const xTest = tf.tensor4d(scaled(testImages), [testImages.length / PIXELS, 28, 28, 1]);
  // a forward pass is about a third of a training step
  const oneCall = (xTest.shape[0] / BATCH) * (busy / (1 + more) / 3);
  let inference: number | null = null;
  if (oneCall < seconds) {
    const predict = async () => {
      const p = model.predict(xTest, { batchSize: xTest.shape[0] }) as tf.Tensor;
      await p.data();
      p.dispose();
    };
    inference = xTest.shape[0] * (await callsPerSecond(predict, seconds));
  } else notes.push(`inference on '${name}' not timed: one call of ${xTest.shape[0]} digits would take about ${oneCall.toFixed(0)} s`);
  return { threads, training: trainedImages / busy, trainedImages, inference, notes };
});
