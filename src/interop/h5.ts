/**
 * Keras weight files in HDF5 (read through h5wasm): the legacy layout of Keras 2 and of the
 * keras.applications downloads (root attribute layer_names; per layer group, weight_names), the
 * same inside a whole-model .h5 (group model_weights, attribute model_config), and Keras 3's
 * .weights.h5 (layers/<class key>/vars/<i>, recurrent cells under cell/, nested models under layers/;
 * see keras-layout.ts).
 */
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import type { Variable } from "../autodiff/variable.js";
import type { Layer } from "../layers/layer.js";
import { isModel } from "../models/is-model.js";
import type { Model } from "../models/model.js";
import { shapeToString } from "../tensor/shape.js";
import { kerasLayerKeys, kerasVariableGroups } from "./keras-layout.js";

type H5 = typeof import("h5wasm/node").default;
type H5File = InstanceType<H5["File"]>;
type H5Group = InstanceType<H5["Group"]>;
type H5Dataset = InstanceType<H5["Dataset"]>;

let h5: H5 | null = null;
/** h5wasm, loaded (and its WebAssembly compiled) on first use only. */
export async function hdf5(): Promise<H5> {
  if (!h5) {
    const mod = (await import("h5wasm/node")).default;
    await mod.ready;
    h5 = mod;
  }
  return h5;
}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Whether the file starts (or, after a user block, continues) with HDF5's signature. */
export function isHdf5(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(8);
    for (const offset of [0, 512, 1024, 2048]) {
      if (readSync(fd, head, 0, 8, offset) === 8 && head.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Opens an HDF5 file for reading, with an error naming it when it is not one. */
export async function openH5(path: string, who: string): Promise<H5File> {
  if (!existsSync(path)) throw new Error(`${who}: no such file`);
  if (!isHdf5(path)) throw new Error(`${who}: not an HDF5 file (no HDF5 signature)`);
  const lib = await hdf5();
  try {
    return new lib.File(path, "r");
  } catch (err) {
    throw new Error(`${who}: not an HDF5 file (${(err as Error).message})`);
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

function attr(node: H5Group, name: string): unknown {
  return (node.attrs as Record<string, { value: unknown }>)[name]?.value;
}

/** A dataset's values as float32. */
function floats(d: H5Dataset): { shape: number[]; data: Float32Array } {
  const v = d.value as ArrayLike<number>;
  return { shape: (d.shape ?? []).map(Number), data: v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>, Number) };
}

/** The layers of a model that own weights, in order (nested models as one entry). */
function weightedLayers(model: Model): Layer[] {
  return model.layers.filter((l) => l.weights.length > 0);
}

function assignInOrder(layer: Layer, arrays: { name: string; shape: number[]; data: Float32Array }[], who: string): void {
  const vars: Variable[] = layer.weights;
  if (arrays.length !== vars.length) {
    throw new Error(`${who}: layer '${layer.name}' has ${vars.length} weights but the file has ${arrays.length} (${arrays.map((a) => a.name).join(", ")})`);
  }
  vars.forEach((v, i) => {
    if (v.shape.join(",") !== arrays[i].shape.join(",")) {
      throw new Error(
        `${who}: weight ${i} of layer '${layer.name}' (${arrays[i].name}) is ${shapeToString(v.shape)} in the model but ${shapeToString(arrays[i].shape)} in the file`,
      );
    }
  });
  vars.forEach((v, i) => v.values.set(arrays[i].data));
}

/** Keras 2's layout: layer_names, then per layer its weight_names (paths inside its group). */
function loadLegacy(model: Model, root: H5Group, who: string): void {
  const names = strings(attr(root, "layer_names"));
  const fileLayers = names.filter((n) => strings(attr(root.get(n) as H5Group, "weight_names")).length > 0);
  const modelLayers = weightedLayers(model);
  const byName = new Map(modelLayers.map((l) => [l.name, l]));
  const allNamed = fileLayers.every((n) => byName.has(n));
  if (!allNamed && fileLayers.length !== modelLayers.length) {
    throw new Error(
      `${who}: the file holds weights for ${fileLayers.length} layers (${fileLayers.slice(0, 6).join(", ")}${fileLayers.length > 6 ? ", ..." : ""}) but the model has ${modelLayers.length} layers with weights (${modelLayers
        .slice(0, 6)
        .map((l) => l.name)
        .join(", ")}${modelLayers.length > 6 ? ", ..." : ""}): is it for another architecture?`,
    );
  }
  // by name when every layer of the file is in the model (Keras's by_name), else in order (Keras's default)
  fileLayers.forEach((name, i) => {
    const layer = allNamed ? byName.get(name)! : modelLayers[i];
    const group = root.get(name) as H5Group;
    const arrays = strings(attr(group, "weight_names")).map((w) => ({ name: w, ...floats(group.get(w) as H5Dataset) }));
    assignInOrder(layer, arrays, who);
  });
  if (allNamed) {
    const missing = modelLayers.filter((l) => !fileLayers.includes(l.name)).map((l) => l.name);
    if (missing.length) throw new Error(`${who}: the file has no weights for layer(s) ${missing.join(", ")}`);
  }
}

/** The datasets vars/0, vars/1, ... of a group (none when it has no vars). */
function varsOf(group: H5Group | null): { name: string; shape: number[]; data: Float32Array }[] {
  const vars = group?.get("vars") as H5Group | null;
  if (!vars) return [];
  return vars
    .keys()
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => ({ name: `vars/${i}`, ...floats(vars.get(String(i)) as H5Dataset) }));
}

/**
 * Keras 3's layout (keras-layout.ts): layers addressed by class and position, their variables
 * where Keras tracks them. A group under the layer's own name is accepted too (files written by
 * other tools that key layers by name).
 */
function loadKeras3(model: Model, layersGroup: H5Group, who: string): void {
  for (const { layer, key } of kerasLayerKeys(model)) {
    if (layer.weights.length === 0) continue;
    const group = (layersGroup.get(key) as H5Group | null) ?? (layersGroup.get(layer.name) as H5Group | null);
    if (!group)
      throw new Error(`${who}: the file has no weights for layer '${layer.name}' (looked for layers/${key}; it has ${layersGroup.keys().join(", ")})`);
    if (isModel(layer)) {
      loadKeras3(layer, group.get("layers") as H5Group, who);
      continue;
    }
    const arrays = kerasVariableGroups(layer).flatMap(({ path }) => varsOf(path ? (group.get(path) as H5Group | null) : group));
    assignInOrder(layer, arrays, who);
  }
}

/** Loads weights from an open HDF5 file in either Keras layout. */
export function loadWeightsFromH5(model: Model, file: H5File, who: string): void {
  const root = (file.get("model_weights") as H5Group | null) ?? file;
  const layers = root.get("layers") as H5Group | null;
  if (attr(root, "layer_names") !== undefined) loadLegacy(model, root, who);
  else if (layers) loadKeras3(model, layers, who);
  else throw new Error(`${who}: no Keras weights in this HDF5 file (neither layer_names nor a layers group)`);
}

/** model.load_weights for a Keras .h5 / .weights.h5 file. */
export async function loadKerasWeights(model: Model, path: string): Promise<void> {
  const who = `loadWeights: ${path}`;
  const file = await openH5(path, who);
  try {
    loadWeightsFromH5(model, file, who);
  } finally {
    file.close();
  }
}
