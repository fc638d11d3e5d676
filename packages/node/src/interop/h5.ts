/**
 * Keras weight files in HDF5 (read through h5wasm): the legacy layout of Keras 2 and of the
 * keras.applications downloads (root attribute layer_names; per layer group, weight_names), the
 * same inside a whole-model .h5 (group model_weights, attribute model_config), and Keras 3's
 * .weights.h5 (layers/<class key>/vars/<i>, recurrent cells under cell/, nested models under layers/;
 * see keras-layout.ts).
 */
import { closeSync, openSync, readFileSync, readSync, type Stats, statSync } from "node:fs";
import type { Variable } from "@kerno/core/autodiff/variable.js";
import type { Layer } from "@kerno/core/layers/layer.js";
import { Model } from "@kerno/core/models/model.js";
import { discardArrays } from "@kerno/core/tensor/device.js";
import { shapeToString } from "@kerno/core/tensor/shape.js";
import { type H5Dataset, type H5Group, nodeAt, readH5Tree } from "./h5-tree.js";
import { kerasLayerKeys, kerasVariableGroups } from "./keras-layout.js";

type H5 = typeof import("h5wasm/node").default;

let h5: H5 | null = null;
/** h5wasm for writing (keras-save.ts; reading goes through h5-tree.ts), loaded on first use only. */
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

/**
 * The tree of the HDF5 file at `path` (or of the bytes given for it, an archive's member, with the
 * archive's bound on values), read in a sandboxed worker (h5-tree.ts). Every error names `who`.
 */
export async function readH5(path: string, who: string, member?: { bytes: Uint8Array; maxValueBytes: number }): Promise<H5Group> {
  if (member) return readH5Tree(member.bytes, who, member.maxValueBytes);
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    throw new Error(`${who}: no such file`);
  }
  if (!stat.isFile()) throw new Error(`${who}: expected a file, found ${stat.isDirectory() ? "a folder" : "a device or pipe"}`);
  if (!isHdf5(path)) throw new Error(`${who}: not an HDF5 file (no HDF5 signature)`);
  return readH5Tree(readFileSync(path), who);
}

const attr = (node: H5Group, name: string): unknown => node.attrs.get(name);

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

/** The group `name` under `node`, or null when absent; anything else there is an error. */
function groupAt(node: H5Group, name: string, who: string): H5Group | null {
  const g = nodeAt(node, name);
  if (g === null) return null;
  if (g.kind !== "group") throw new Error(`${who}: '${node.path}/${name}': expected an HDF5 group, found a dataset`);
  return g;
}

interface Stored {
  name: string;
  read: () => H5Dataset;
}

/** A weight stored at `name` under `node`. */
const stored = (node: H5Group, name: string, who: string): Stored => ({
  name,
  read: () => {
    const d = nodeAt(node, name);
    if (d?.kind !== "dataset") throw new Error(`${who}: '${node.path}/${name}': expected a dataset of weights, found ${d === null ? "nothing" : "a group"}`);
    return d;
  },
});

/** The layers of a model that own weights, in order (nested models as one entry). */
function weightedLayers(model: Model): Layer[] {
  return model.layers.filter((l) => l.weights.length > 0);
}

/** Checks every dataset's class and shape against the layer's weights before assigning any values. */
function assignInOrder(layer: Layer, arrays: Stored[], who: string): void {
  const vars: Variable[] = layer.weights;
  if (arrays.length !== vars.length) {
    throw new Error(`${who}: layer '${layer.name}' has ${vars.length} weights but the file has ${arrays.length} (${arrays.map((a) => a.name).join(", ")})`);
  }
  const datasets = arrays.map((a, i) => {
    const d = a.read();
    if (vars[i].shape.join(",") !== d.shape.join(",")) {
      throw new Error(
        `${who}: weight ${i} of layer '${layer.name}' (${a.name}) is ${shapeToString(vars[i].shape)} in the model but ${shapeToString(d.shape)} in the file`,
      );
    }
    if (d.typeClass !== 0 && d.typeClass !== 1)
      throw new Error(`${who}: weight '${a.name}' of layer '${layer.name}': expected numbers, found HDF5 type class ${d.typeClass}`);
    return d;
  });
  datasets.forEach((d, i) => {
    const v = d.values;
    if (!v || v.length !== vars[i].size)
      throw new Error(`${who}: weight '${arrays[i].name}' of layer '${layer.name}': expected ${vars[i].size} values, found ${v?.length ?? 0}`);
    discardArrays([vars[i].values]);
    vars[i].values.set(v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>, Number));
  });
}

/** Keras 2's layout: layer_names, then per layer its weight_names (paths inside its group). */
function loadLegacy(model: Model, root: H5Group, who: string): void {
  const names = strings(attr(root, "layer_names"));
  const groups = new Map<string, H5Group>();
  for (const n of names) {
    const g = groupAt(root, n, who);
    if (!g) throw new Error(`${who}: layer_names lists '${n}' but the file has no group '${n}'`);
    groups.set(n, g);
  }
  const fileLayers = names.filter((n) => strings(attr(groups.get(n)!, "weight_names")).length > 0);
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
    const group = groups.get(name)!;
    assignInOrder(
      layer,
      strings(attr(group, "weight_names")).map((w) => stored(group, w, who)),
      who,
    );
  });
  if (allNamed) {
    const missing = modelLayers.filter((l) => !fileLayers.includes(l.name)).map((l) => l.name);
    if (missing.length) throw new Error(`${who}: the file has no weights for layer(s) ${missing.join(", ")}`);
  }
}

/** The datasets vars/0, vars/1, ... of a group (none when it has no vars). */
function varsOf(group: H5Group | null, who: string): Stored[] {
  const vars = group && groupAt(group, "vars", who);
  if (!vars) return [];
  const keys = [...vars.children.keys()];
  const present = new Set(keys);
  keys.forEach((_, i) => {
    if (!present.has(String(i))) throw new Error(`${who}: '${vars.path}': expected datasets 0 to ${keys.length - 1}, found ${keys.join(", ")}`);
  });
  return keys.map((_, i) => stored(vars, String(i), who));
}

/**
 * Keras 3's layout (keras-layout.ts): layers addressed by class and position, their variables
 * where Keras tracks them. A group under the layer's own name is accepted too (files written by
 * other tools that key layers by name).
 */
function loadKeras3(model: Model, layersGroup: H5Group, who: string): void {
  for (const { layer, key } of kerasLayerKeys(model)) {
    if (layer.weights.length === 0) continue;
    const group = groupAt(layersGroup, key, who) ?? groupAt(layersGroup, layer.name, who);
    if (!group)
      throw new Error(
        `${who}: the file has no weights for layer '${layer.name}' (looked for layers/${key}; it has ${[...layersGroup.children.keys()].join(", ")})`,
      );
    if (layer instanceof Model) {
      const inner = groupAt(group, "layers", who);
      if (!inner) throw new Error(`${who}: '${group.path}': expected a group 'layers' (the nested model '${layer.name}'), found none`);
      loadKeras3(layer, inner, who);
      continue;
    }
    const arrays = kerasVariableGroups(layer).flatMap(({ path }) => varsOf(path ? groupAt(group, path, who) : group, who));
    assignInOrder(layer, arrays, who);
  }
}

/** Loads weights from an HDF5 file's tree in either Keras layout. */
export function loadWeightsFromH5(model: Model, file: H5Group, who: string): void {
  const root = groupAt(file, "model_weights", who) ?? file;
  const layers = groupAt(root, "layers", who);
  if (attr(root, "layer_names") !== undefined) loadLegacy(model, root, who);
  else if (layers) loadKeras3(model, layers, who);
  else throw new Error(`${who}: no Keras weights in this HDF5 file (neither layer_names nor a layers group)`);
}

/** model.load_weights for a Keras .h5 / .weights.h5 file. */
export async function loadKerasWeights(model: Model, path: string): Promise<void> {
  const who = `loadWeights: ${path}`;
  loadWeightsFromH5(model, await readH5(path, who), who);
}
