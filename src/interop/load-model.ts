/**
 * loadModel(path): any model file kerno reads, recognized by its content: kerno's own
 * (safetensors with a kerno description), a Keras 3 .keras archive (config.json +
 * model.weights.h5), a Keras 2 whole-model .h5 (model_config + model_weights), or a TensorFlow.js
 * layers model (model.json beside its weight shards). Layers are rebuilt from a fixed registry;
 * no code from a file is ever run.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { type LoadOptions, loadKernoModel, modelFromConfig } from "../models/load.js";
import type { Model } from "../models/model.js";
import { isHdf5, loadWeightsFromH5, openH5 } from "./h5.js";
import { modelConfig } from "./keras-config.js";
import { loadTfjsModel } from "./tfjs.js";

export type ModelFormat = "kerno" | "keras" | "keras-h5" | "tfjs";

/** The format of a model file, from its first bytes. */
export function modelFormat(path: string): ModelFormat | null {
  let head: Buffer;
  try {
    if (statSync(path).isDirectory()) return null;
    const fd = openSync(path, "r");
    head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, 64, 0);
    closeSync(fd);
    head = head.subarray(0, n);
  } catch {
    return null;
  }
  if (head.subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1"))) return "keras";
  if (isHdf5(path)) return "keras-h5";
  const text = head.toString("utf8").trimStart();
  if (text.startsWith("{")) return "tfjs";
  if (head.length >= 8) return "kerno";
  return null;
}

/** A Keras 3 .keras archive: the architecture from config.json, the weights from model.weights.h5. */
async function loadKerasArchive(path: string, who: string): Promise<Model> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(readFileSync(path));
  } catch (err) {
    throw new Error(`${who}: not a readable .keras archive (${(err as Error).message})`);
  }
  for (const name of ["config.json", "model.weights.h5"])
    if (!files[name]) throw new Error(`${who}: the .keras archive has no ${name} (it has ${Object.keys(files).join(", ")})`);
  const spec = modelConfig(JSON.parse(new TextDecoder().decode(files["config.json"])), who);
  const model = modelFromConfig(spec.className, spec.config, who);
  // h5wasm reads from a path: the weights go through a private temporary folder
  const dir = mkdtempSync(join(tmpdir(), "kerno-keras-"));
  try {
    const weights = join(dir, "model.weights.h5");
    writeFileSync(weights, files["model.weights.h5"]);
    const file = await openH5(weights, who);
    try {
      loadWeightsFromH5(model, file, who);
    } finally {
      file.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return model;
}

/** A Keras 2 whole-model .h5 (model.save("x.h5")): model_config and model_weights. */
async function loadKerasH5(path: string, who: string): Promise<Model> {
  const file = await openH5(path, who);
  try {
    const config = (file.attrs as Record<string, { value: unknown }>).model_config?.value;
    if (typeof config !== "string") {
      throw new Error(`${who}: this .h5 holds weights only (no model_config); build the architecture and call loadWeights(model, "${path}")`);
    }
    const spec = modelConfig(JSON.parse(config), who);
    const model = modelFromConfig(spec.className, spec.config, who);
    loadWeightsFromH5(model, file, who);
    return model;
  } finally {
    file.close();
  }
}

/** Loads a model saved by kerno, Keras (.keras, .h5) or TensorFlow.js (model.json). */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<Model> {
  const who = `loadModel: ${path}`;
  switch (modelFormat(path)) {
    case "keras":
      return loadKerasArchive(path, who);
    case "keras-h5":
      return loadKerasH5(path, who);
    case "tfjs":
      return loadTfjsModel(path);
    default:
      return loadKernoModel(path, options);
  }
}
