/**
 * Assigning named weights from another format to a kerno model: Keras names weights
 * "<layer>/<weight>" (block1_conv1/kernel, batch_normalization_1/moving_mean), kerno keys them the
 * same way (nested models add their name in front), so a name finds its variable directly, or by
 * its last two parts when the file does not prefix nested models.
 */
import type { Variable } from "@kerno/core/autodiff/variable.js";
import type { Model } from "@kerno/core/models/model.js";
import { discardArrays } from "@kerno/core/tensor/device.js";
import { shapeToString } from "@kerno/core/tensor/shape.js";

export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

/** Strips TensorFlow's ":0" suffix and a leading model scope that kerno does not use. */
export function weightName(name: string): string {
  return name.replace(/:\d+$/, "");
}

/**
 * The variable of `model` that each named weight of a file goes to, checked before any value is
 * read: a weight that fits nothing, a shape mismatch, a variable named twice or one left without
 * a value are errors naming the layer and both shapes.
 */
export function matchWeights(model: Model, named: readonly { name: string; shape: readonly number[] }[], who: string): Variable[] {
  const byKey = new Map<string, Variable>();
  for (const [v, key] of model.weightKeys()) byKey.set(key, v);
  const bySuffix = new Map<string, Variable[]>();
  for (const [key, v] of byKey) {
    const suffix = key.split("/").slice(-2).join("/");
    bySuffix.set(suffix, [...(bySuffix.get(suffix) ?? []), v]);
  }
  const assigned = new Set<Variable>();
  const targets = named.map(({ name: rawName, shape }) => {
    const name = weightName(rawName);
    const suffix = name.split("/").slice(-2).join("/");
    const target = byKey.get(name) ?? (bySuffix.get(suffix)?.length === 1 ? bySuffix.get(suffix)![0] : undefined);
    if (!target)
      throw new Error(
        `${who}: the file has weight '${name}' ${shapeToString(shape)}, which no layer of the model has (layers: ${model.layers.map((l) => l.name).join(", ")})`,
      );
    if (target.shape.join(",") !== shape.join(",")) {
      throw new Error(`${who}: weight '${name}' is ${shapeToString(target.shape)} in the model but ${shapeToString(shape)} in the file`);
    }
    if (assigned.has(target)) throw new Error(`${who}: the file holds weight '${name}' twice`);
    assigned.add(target);
    return target;
  });
  const missing = [...byKey].filter(([, v]) => !assigned.has(v)).map(([k]) => k);
  if (missing.length)
    throw new Error(`${who}: the file has no values for ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ` and ${missing.length - 5} more` : ""}`);
  return targets;
}

/** Copies every weight of `model` from `weights` (by name), checked as matchWeights does. */
export function assignWeights(model: Model, weights: Map<string, NamedArray>, who: string): void {
  const entries = [...weights];
  const targets = matchWeights(
    model,
    entries.map(([name, w]) => ({ name, shape: w.shape })),
    who,
  );
  // a device backend's copies of the old values go (the CPU holds the new ones)
  discardArrays(targets.map((t) => t.values));
  targets.forEach((target, i) => target.values.set(entries[i][1].data));
}
