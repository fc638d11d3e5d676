/**
 * The browser section's Node side: the same kerno code as the page (kerno-cnn.ts) on a Node
 * backend, on the digits section.ts wrote, printing one JSON line; with an output path, the
 * trained model is also exported to ONNX there (kerno's exporter) for ONNX Runtime Web.
 * Usage: node --conditions=kerno-source --import tsx bench/browser/node-side.ts <native|wasm> <digits folder> <seconds> [model.onnx]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadAddon } from "@kerno/node/backends/native/index.js";
import { getBackend, setBackend } from "../../src/index.js";
import { measureKerno } from "./kerno-cnn.js";
import { DIGIT_FILES, type Digits } from "./spec.js";

const [backendName, dir, secondsArg, onnxPath] = process.argv.slice(2);
setBackend(backendName);
if (getBackend() !== backendName) throw new Error(`node-side: asked for the ${backendName} backend, got ${getBackend()}`);
const digits = Object.fromEntries(Object.entries(DIGIT_FILES).map(([k, f]) => [k, new Uint8Array(readFileSync(join(dir, f)))])) as unknown as Digits;
const { model, ...measured } = await measureKerno(digits, Number(secondsArg), (s) => process.stderr.write(`  kerno-${backendName} (node): ${s}\n`));
if (onnxPath) model.export(onnxPath);
const threads = backendName === "wasm" ? (await import("@kerno/wasm")).wasmThreads() : loadAddon().info().threads;
console.log(JSON.stringify({ ...measured, threads }));
