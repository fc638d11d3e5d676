// Runs in a worker_thread: loads the native addon directly and computes a 'same' 3x3
// convolution many times (test/backends/native/index.test.ts checks the result).
import { createRequire } from "node:module";
import { parentPort, workerData } from "node:worker_threads";

const addon = createRequire(import.meta.url)(workerData.addonPath);
const { x, w, geometry, outSize, repeats } = workerData;
let y = new Float32Array(outSize);
for (let i = 0; i < repeats; i++) {
  y = new Float32Array(outSize);
  addon.conv2d(x, w, y, geometry, null, 0, false);
}
parentPort.postMessage(y);
