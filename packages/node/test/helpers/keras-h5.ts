/**
 * Writes Keras weight files the way Keras does (for tests: real Keras files cannot be downloaded
 * here): the legacy layout of Keras 2 and of keras.applications (layer_names, weight_names with
 * TensorFlow's ":0"), and Keras 3's .weights.h5 (layers/<class key>/vars/<i>).
 */

import type { Layer, Model } from "@kerno/core";
import h5wasm from "h5wasm/node";

/** Keras's weight names for a layer: <layer>/<weight>:0. */
const kerasName = (layer: Layer, i: number) => `${layer.name}/${layer.weights[i].name.split("/").pop()}:0`;

export async function writeLegacyWeights(model: Model, path: string, transform: (layer: Layer) => Layer[] = (l) => [l]): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, "w");
  const layers = model.layers.flatMap(transform);
  f.create_attribute(
    "layer_names",
    layers.map((l) => l.name),
  );
  f.create_attribute("backend", "tensorflow");
  f.create_attribute("keras_version", "2.1.6");
  for (const layer of layers) {
    const g = f.create_group(layer.name);
    const names = layer.weights.map((_, i) => kerasName(layer, i));
    if (names.length) g.create_attribute("weight_names", names);
    else g.create_attribute("weight_names", [] as string[], [0], "S1");
    layer.weights.forEach((w, i) => {
      // h5py creates the intermediate groups of "<layer>/<weight>:0"; h5wasm needs them made first
      const parts = names[i].split("/");
      let parent = g;
      for (const part of parts.slice(0, -1)) parent = (parent.get(part) as typeof g | null) ?? parent.create_group(part);
      parent.create_dataset({ name: parts[parts.length - 1], data: w.floats(), shape: [...w.shape], dtype: "<f" });
    });
  }
  f.close();
}

/**
 * Keras 3's layout as saving_lib writes it, spelled out independently of kerno's reader and
 * writer (for chains of layers): layers/<snake_case class>[_<n>]/vars/<i>, keyed by class and
 * position, never by the layer's name; recurrent variables under cell/, nested models under layers/.
 */
export async function writeKeras3Weights(model: Model, path: string): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, "w");
  const snake = (name: string) =>
    name
      .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
      .replace(/([a-z])([A-Z])/g, "$1_$2")
      .toLowerCase();
  const write = (group: ReturnType<typeof f.create_group>, m: Model) => {
    const used = new Map<string, number>();
    for (const layer of m.layers) {
      const base = snake(layer.className);
      const n = used.has(base) ? used.get(base)! + 1 : 0;
      used.set(base, n);
      const g = group.create_group(n === 0 ? base : `${base}_${n}`);
      if ("layers" in layer && (layer as Model).layers.length) {
        write(g.create_group("layers"), layer as Model);
        continue;
      }
      const isRnn = ["LSTM", "GRU", "SimpleRNN"].includes(layer.className);
      g.create_group("vars");
      const vars = isRnn ? g.create_group("cell").create_group("vars") : (g.get("vars") as ReturnType<typeof f.create_group>);
      layer.weights.forEach((w, i) => vars.create_dataset({ name: String(i), data: w.floats(), shape: [...w.shape], dtype: "<f" }));
    }
  };
  write(f.create_group("layers"), model);
  f.create_group("vars");
  f.close();
}
