/**
 * The browser section's kerno page (bundled by section.ts): @kerno/core on the wasm backend
 * (importing @kerno/wasm registers it) trains and runs the MNIST CNN exactly as Node does.
 * Query: ?seconds=N.
 */
import { getBackend, setBackend } from "@kerno/core";
import { wasmThreads } from "@kerno/wasm";
import { measureKerno } from "./kerno-cnn.js";
import { fetchDigits, publish } from "./spec.js";

publish(async () => {
  const seconds = Number(new URLSearchParams(location.search).get("seconds") ?? 3);
  setBackend("wasm");
  if (getBackend() !== "wasm") throw new Error(`kerno page: the active backend is ${getBackend()}, not wasm`);
  const { training, trainedImages, accuracy, inference } = await measureKerno(await fetchDigits(), seconds, (s) => console.log(`kerno-wasm: ${s}`));
  return { threads: wasmThreads(), training, trainedImages, accuracy, inference };
});
