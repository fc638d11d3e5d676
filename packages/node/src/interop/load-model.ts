/**
 * loadModel(path): any model file kerno reads, recognized by its content: kerno's own
 * (safetensors with a kerno description), a Keras 3 .keras archive (config.json +
 * model.weights.h5), a Keras 2 whole-model .h5 (model_config + model_weights), or a TensorFlow.js
 * layers model (model.json beside its weight shards). Layers are rebuilt from a fixed registry;
 * no code from a file is ever run.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import type { Model } from "@kerno/core/models/model.js";
import { decodeModel, type LoadOptions, rebuildModel } from "@kerno/core/models/rebuild.js";
import { fail, parseJson, wrapError } from "@kerno/core/models/validate.js";
import { isHdf5, loadWeightsFromH5, readH5 } from "./h5.js";
import { inflationBound } from "./h5-tree.js";
import { modelConfig } from "./keras-config.js";
import { loadTfjsModel } from "./tfjs.js";
import { readZip } from "./zip.js";

export type ModelFormat = "kerno" | "keras" | "keras-h5" | "tfjs";

/** Loads a model saved by model.save(): architecture, weights and (if compiled) optimizer state. */
export function loadKernoModel(path: string, options: LoadOptions = {}): Model {
  const who = `loadModel: ${path}`;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${who}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return decodeModel(bytes, options, who);
}

/** The format of a model file, from its first bytes. */
export function modelFormat(path: string): ModelFormat | null {
  let head: Buffer;
  try {
    if (!statSync(path).isFile()) return null; // a folder, or a pipe that would block the read
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

/**
 * The most weight values an HDF5 file of `bytes` can hold: Keras stores weights uncompressed, as
 * float32 or (half precision) float16, so an architecture asking for more is refused before it is built.
 */
const h5Capacity = (bytes: number) => Math.floor(bytes / 2);

/** A Keras 3 .keras archive: the architecture from config.json, the weights from model.weights.h5. */
async function loadKerasArchive(path: string, who: string): Promise<Model> {
  const bytes = readFileSync(path);
  const files = readZip(bytes, who, { maxTotal: inflationBound(bytes.length) });
  for (const name of ["config.json", "model.weights.h5"])
    if (!files.has(name)) throw new Error(`${who}: the .keras archive has no ${name} (it has ${[...files.keys()].join(", ") || "no members"})`);
  const weightsBytes = files.get("model.weights.h5")!;
  const spec = modelConfig(parseJson(new TextDecoder().decode(files.get("config.json")), who, "config.json"), `${who}: config.json`);
  const model = rebuildModel(spec.className, spec.config, who, h5Capacity(weightsBytes.length));
  const weightsWho = `${who}: model.weights.h5`;
  // the member's values are bounded by the archive's size, not the member's (itself up to 64x the archive)
  loadWeightsFromH5(model, await readH5(path, weightsWho, { bytes: weightsBytes, maxValueBytes: inflationBound(bytes.length) }), weightsWho);
  return model;
}

/** A Keras 2 whole-model .h5 (model.save("x.h5")): model_config and model_weights. */
async function loadKerasH5(path: string, who: string): Promise<Model> {
  const capacity = h5Capacity(statSync(path).size);
  const file = await readH5(path, who);
  const config = file.attrs.get("model_config");
  if (config === undefined) {
    throw new Error(`${who}: this .h5 holds weights only (no model_config); build the architecture and call loadWeights(model, "${path}")`);
  }
  if (typeof config !== "string") fail(who, "the model_config attribute", "a JSON string", config);
  const spec = modelConfig(parseJson(config, who, "model_config"), `${who}: model_config`);
  const model = rebuildModel(spec.className, spec.config, who, capacity);
  loadWeightsFromH5(model, file, who);
  return model;
}

/** Loads a model saved by kerno, Keras (.keras, .h5) or TensorFlow.js (model.json). */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<Model> {
  const who = `loadModel: ${path}`;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat && !stat.isFile()) throw new Error(`${who}: expected a model file, found ${stat.isDirectory() ? "a folder" : "a device or pipe"}`);
  try {
    switch (modelFormat(path)) {
      case "keras":
        return await loadKerasArchive(path, who);
      case "keras-h5":
        return await loadKerasH5(path, who);
      case "tfjs":
        return loadTfjsModel(path);
      default:
        return loadKernoModel(path, options);
    }
  } catch (err) {
    // a last net: every loader checks what it reads, but no error may leave without the file's name
    throw wrapError(err, who, "cannot load the model");
  }
}
