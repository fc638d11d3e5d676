/**
 * model.save(path) and loadModel(path): one safetensors file holding the weights, the
 * optimizer's slots and, in its metadata, the architecture, compile settings and optimizer
 * step as JSON. encodeModel gives the bytes (anywhere, a browser included); saveModel writes them
 * through the registered file writer (models/writers.ts: a temporary file renamed, so a crash
 * never leaves a broken file). Loading rebuilds layers from a fixed registry of classes and
 * never executes code from the file.
 */
import { assertOnHost } from "../tensor/device.js";
import type { Model } from "./model.js";
import { encodeSafetensors } from "./safetensors.js";
import { modelWriter } from "./writers.js";

export const FORMAT = "kerno-model";
export const FORMAT_VERSION = 1;

export function modelConfig(model: Model): { className: string; config: Record<string, unknown> } {
  return { className: model.className, config: model.getConfig() };
}

/** The model as the bytes of a .kerno file. */
export function encodeModel(model: Model): Uint8Array {
  const keys = model.weightKeys();
  const tensors = new Map<string, { shape: readonly number[]; data: Float32Array | Int32Array | Uint8Array }>();
  for (const [v, key] of keys) {
    assertOnHost(v.values, `encodeModel: weight '${key}'`);
    tensors.set(`weights/${key}`, { shape: v.shape, data: v.values });
  }
  const optimizer = model.optimizer;
  if (optimizer) {
    for (const [v, slot, values] of optimizer.slotEntries()) {
      const key = keys.get(v);
      assertOnHost(values, `encodeModel: optimizer slot '${slot}' of '${key}'`);
      if (key) tensors.set(`optimizer/${key}/${slot}`, { shape: v.shape, data: values });
    }
  }
  const meta = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    model: modelConfig(model),
    compile: model.compileConfig,
    optimizerIterations: optimizer?.iterations ?? 0,
    classNames: model.classNames,
  };
  return encodeSafetensors(tensors, { kerno: JSON.stringify(meta) });
}

export function saveModel(model: Model, path: string): void {
  modelWriter("file", `Model '${model.name}'.save`)(path, encodeModel(model));
}
