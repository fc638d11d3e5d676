/**
 * TensorFlow.js layers models (model.json + binary weight shards, as tfjs.converters.save_keras_model
 * writes them): the Keras topology becomes a kerno model, the shards its weights.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Model } from "@kerno/core/models/model.js";
import { rebuildModel } from "@kerno/core/models/rebuild.js";
import { arrayAt, fail, objectAt, parseJson, shapeAt, sizeOf, stringAt } from "@kerno/core/models/validate.js";
import { discardArrays } from "@kerno/core/tensor/device.js";
import { resolveInside } from "../util/files.js";
import { modelConfig } from "./keras-config.js";
import { matchWeights } from "./weights.js";

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}
interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

const WIDTH: Record<string, number> = { float32: 4, int32: 4, float16: 2, uint16: 2, uint8: 1 };

/** weightsManifest, checked: every entry's fields, its dtype, its shape. */
function manifest(raw: unknown, who: string): ManifestGroup[] {
  return arrayAt(raw, who, "weightsManifest").map((g, i) => {
    const group = objectAt(g, who, `weightsManifest[${i}]`);
    const paths = arrayAt(group.paths, who, `weightsManifest[${i}].paths`).map((p, j) => stringAt(p, who, `weightsManifest[${i}].paths[${j}]`));
    const weights = arrayAt(group.weights, who, `weightsManifest[${i}].weights`).map((w, j) => {
      const where = `weightsManifest[${i}].weights[${j}]`;
      const e = objectAt(w, who, where);
      const entry: ManifestEntry = {
        name: stringAt(e.name, who, `${where}.name`),
        shape: shapeAt(e.shape, who, `${where}.shape`),
        dtype: stringAt(e.dtype, who, `${where}.dtype`),
      };
      if (e.quantization !== undefined && e.quantization !== null) {
        const q = objectAt(e.quantization, who, `${where}.quantization`);
        entry.quantization = { dtype: stringAt(q.dtype, who, `${where}.quantization.dtype`) };
        for (const k of ["scale", "min"] as const)
          if (q[k] !== undefined)
            entry.quantization[k] = Number.isFinite(q[k]) ? (q[k] as number) : fail(who, `${where}.quantization.${k}`, "a finite number", q[k]);
      }
      const kind = entry.quantization?.dtype ?? entry.dtype;
      if (!WIDTH[kind] || (entry.quantization && !["uint8", "uint16", "float16"].includes(kind)))
        fail(who, `${where} ('${entry.name}'): dtype`, "float32, int32, float16 or a uint8/uint16/float16 quantization", kind);
      return entry;
    });
    return { paths, weights };
  });
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

/** Decodes one weight of a group's concatenated bytes, from `offset` (loadTfjsModel has checked they hold it). */
function readWeight(bytes: Buffer, offset: number, w: ManifestEntry): { data: Float32Array; size: number } {
  const n = sizeOf(w.shape);
  const q = w.quantization;
  const kind = q?.dtype ?? w.dtype;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, n * WIDTH[kind]);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (kind === "float32") data[i] = view.getFloat32(i * 4, true);
    else if (kind === "int32") data[i] = view.getInt32(i * 4, true);
    else if (kind === "float16" && !q) data[i] = halfToFloat(view.getUint16(i * 2, true));
    else {
      const v = kind === "uint8" ? view.getUint8(i) : kind === "uint16" ? view.getUint16(i * 2, true) : halfToFloat(view.getUint16(i * 2, true));
      data[i] = (q?.min ?? 0) + (q?.scale ?? 1) * v;
    }
  }
  return { data, size: n * WIDTH[kind] };
}

/** Loads a TensorFlow.js layers model from its model.json (the shards beside it). */
export function loadTfjsModel(path: string): Model {
  const who = `loadModel: ${path}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`${who}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const json = objectAt(parseJson(text, who, "model.json"), who, "model.json");
  if (json.format !== undefined && json.format !== "layers-model")
    throw new Error(`${who}: a TensorFlow.js ${String(json.format)}, not a layers model; only layers models hold a Keras architecture`);
  if (!json.modelTopology || !json.weightsManifest) throw new Error(`${who}: not a TensorFlow.js layers model (no modelTopology and weightsManifest)`);
  const topology = objectAt(json.modelTopology, who, "modelTopology");
  const groups = manifest(json.weightsManifest, who);
  // every shard inside the model's folder, and the manifest's weights within the shards' bytes, before anything is built
  const folder = dirname(path);
  const seen = new Set<string>();
  const files = groups.map((g) =>
    g.paths.map((p) => {
      const real = resolveInside(folder, p);
      if (!real) {
        const target = resolve(folder, p);
        const found = target === resolve(folder) ? "the folder itself" : existsSync(target) ? "a path that leaves it" : "no such file";
        throw new Error(`${who}: weight shard '${p}': expected a file inside the model's folder ${folder}, found ${found}`);
      }
      if (!statSync(real).isFile()) throw new Error(`${who}: weight shard '${p}': expected a file, found a folder or device`);
      // one file named twice would be read (and allocated for) twice
      if (seen.has(real)) throw new Error(`${who}: weight shard '${p}' is listed more than once in weightsManifest`);
      seen.add(real);
      return real;
    }),
  );
  let held = 0;
  groups.forEach((g, i) => {
    const available = files[i].reduce((sum, f) => sum + statSync(f).size, 0);
    let needed = 0;
    for (const w of g.weights) {
      needed += sizeOf(w.shape) * WIDTH[w.quantization?.dtype ?? w.dtype];
      if (needed > available)
        throw new Error(`${who}: the weight shards (${g.paths.join(", ")}) end before '${w.name}': expected at least ${needed} bytes, found ${available}`);
      held += sizeOf(w.shape);
    }
  });
  const kerno = modelConfig(topology.model_config ?? topology, `${who}: modelTopology`);
  const model = rebuildModel(kerno.className, kerno.config, who, held);
  // every manifest weight matched to the model's variables before a value is decoded
  const targets = matchWeights(
    model,
    groups.flatMap((g) => g.weights),
    who,
  );
  let t = 0;
  groups.forEach((group, i) => {
    const bytes = Buffer.concat(files[i].map((f) => readFileSync(f)));
    let offset = 0;
    for (const w of group.weights) {
      if (offset + sizeOf(w.shape) * WIDTH[w.quantization?.dtype ?? w.dtype] > bytes.length)
        throw new Error(`${who}: the weight shards end before '${w.name}' (the shards changed while loading?)`);
      const { data, size } = readWeight(bytes, offset, w);
      offset += size;
      discardArrays([targets[t].values]);
      targets[t++].values.set(data);
    }
  });
  return model;
}
