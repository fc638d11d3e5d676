/**
 * TensorFlow.js layers models (model.json + binary weight shards, as tfjs.converters.save_keras_model
 * writes them): the Keras topology becomes a kerno model, the shards its weights.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { modelFromConfig } from "../models/load.js";
import type { Model } from "../models/model.js";
import { modelConfig } from "./keras-config.js";
import { assignWeights, type NamedArray } from "./weights.js";

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: "float32" | "int32" | "float16" | string;
  quantization?: { dtype: "uint8" | "uint16" | "float16"; scale?: number; min?: number };
}
interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

/** IEEE half to float. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1,
    e = (h >> 10) & 0x1f,
    f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Decodes one weight of a group's concatenated bytes, from `offset`; returns it and the bytes it took. */
function readWeight(bytes: Buffer, offset: number, w: ManifestEntry, who: string): { data: Float32Array; size: number } {
  const n = w.shape.reduce((a, b) => a * b, 1);
  const q = w.quantization;
  const kind = q?.dtype ?? w.dtype;
  const width = kind === "uint8" ? 1 : kind === "uint16" || kind === "float16" ? 2 : 4;
  if (offset + n * width > bytes.length) throw new Error(`${who}: the weight shards end before '${w.name}' (${n} values of ${kind})`);
  const data = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, n * width);
  for (let i = 0; i < n; i++) {
    if (kind === "float32") data[i] = view.getFloat32(i * 4, true);
    else if (kind === "int32") data[i] = view.getInt32(i * 4, true);
    else if (kind === "float16") data[i] = halfToFloat(view.getUint16(i * 2, true));
    else if (kind === "uint8" || kind === "uint16") {
      const v = kind === "uint8" ? view.getUint8(i) : view.getUint16(i * 2, true);
      data[i] = (q?.min ?? 0) + (q?.scale ?? 1) * v;
    } else throw new Error(`${who}: weight '${w.name}' has dtype '${kind}', which kerno cannot read`);
  }
  return { data, size: n * width };
}

/** Loads a TensorFlow.js layers model from its model.json (the shards beside it). */
export function loadTfjsModel(path: string): Model {
  const who = `loadModel: ${path}`;
  let json: { modelTopology?: Record<string, unknown>; weightsManifest?: ManifestGroup[]; format?: string };
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${who}: not a readable model.json (${(err as Error).message})`);
  }
  const topology = json.modelTopology;
  if (!topology || !json.weightsManifest) throw new Error(`${who}: not a TensorFlow.js layers model (no modelTopology and weightsManifest)`);
  if (json.format && json.format !== "layers-model")
    throw new Error(`${who}: a TensorFlow.js ${json.format}, not a layers model; only layers models hold a Keras architecture`);
  const spec = (topology.model_config ?? topology) as Record<string, unknown>;
  const kerno = modelConfig(spec, who);
  const model = modelFromConfig(kerno.className, kerno.config, who);
  const weights = new Map<string, NamedArray>();
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(dirname(path), p))));
    let offset = 0;
    for (const w of group.weights) {
      const { data, size } = readWeight(bytes, offset, w, who);
      offset += size;
      weights.set(w.name, { shape: w.shape, data });
    }
  }
  assignWeights(model, weights, who);
  return model;
}
