/**
 * loadModel(path): rebuilds a model saved by model.save() (save.ts) from its architecture, then
 * its weights and, when it was compiled, its compile settings and optimizer state. Layers come
 * from a fixed registry of classes; no code from the file is ever executed.
 */
import { readFileSync } from "node:fs";
import { Input, InputLayer } from "../layers/input.js";
import type { Layer, SymbolicTensor } from "../layers/layer.js";
import { layerFromConfig } from "../layers/registry.js";
import { tensor } from "../tensor/creation.js";
import type { CompileConfig } from "../training/compile.js";
import { lossFromConfig } from "../training/losses.js";
import { optimizerFromConfig } from "../training/optimizers.js";
import { Model } from "./model.js";
import { decodeSafetensors } from "./safetensors.js";
import { FORMAT, FORMAT_VERSION } from "./save.js";
import { Sequential } from "./sequential.js";

/** Rebuilds a model (Functional or Sequential) from its saved class name and config. */
export function modelFromConfig(className: string, config: Record<string, unknown>, who: string): Model {
  if (className === "Sequential") {
    const seq = new Sequential([], { name: config.name as string });
    const inputShape = config.inputShape as number[] | null;
    if (inputShape) seq.add(Input({ shape: inputShape }));
    for (const spec of config.layers as { className: string; config: Record<string, unknown> }[]) seq.add(buildLayer(spec.className, spec.config, who));
    if (config.trainable === false) seq.trainable = false;
    return seq;
  }
  if (className !== "Functional") throw new Error(`${who}: unknown model class '${className}'`);
  type Ref = [string, number, number];
  const specs = config.layers as { className: string; config: Record<string, unknown>; inboundNodes: Ref[][] }[];
  const layers = new Map<string, Layer>();
  const produced = new Map<string, SymbolicTensor>();
  const key = (r: Ref) => `${r[0]}:${r[1]}:${r[2]}`;
  for (const spec of specs) {
    if (spec.className === "InputLayer") {
      const input = new InputLayer(spec.config as never);
      layers.set(input.name, input);
      produced.set(key([input.name, 0, 0]), input.output);
    } else {
      const layer = buildLayer(spec.className, spec.config, who);
      layers.set(layer.name, layer);
    }
  }
  // apply layers in passes until every call's inputs exist
  const pending = specs.flatMap((s) => (s.inboundNodes ?? []).map((refs, call) => ({ name: s.config.name as string, refs, call })));
  while (pending.length) {
    const i = pending.findIndex((p) => p.refs.every((r) => produced.has(key(r))));
    if (i < 0) throw new Error(`${who}: corrupt architecture: cannot connect ${pending.map((p) => p.name).join(", ")}`);
    const { name, refs, call } = pending.splice(i, 1)[0];
    const inputs = refs.map((r) => produced.get(key(r))!);
    const layer = layers.get(name)!;
    const out: SymbolicTensor | SymbolicTensor[] = inputs.length === 1 ? layer.apply(inputs[0]) : layer.apply(inputs);
    (Array.isArray(out) ? out : [out]).forEach((t, j) => produced.set(key([name, call, j]), t));
  }
  const pick = (refs: Ref[]) =>
    refs.map((r) => {
      const t = produced.get(key(r));
      if (!t) throw new Error(`${who}: corrupt architecture: no tensor ${key(r)}`);
      return t;
    });
  const model = new Model({ inputs: pick(config.inputLayers as Ref[]), outputs: pick(config.outputLayers as Ref[]), name: config.name as string });
  if (config.trainable === false) model.trainable = false;
  return model;
}

function buildLayer(className: string, config: Record<string, unknown>, who: string): Layer {
  if (className === "Sequential" || className === "Functional") return modelFromConfig(className, config, who);
  const layer = layerFromConfig(className, config, who);
  if (config.trainable === false) layer.trainable = false;
  return layer;
}

export interface LoadOptions {
  /** Restore compile settings and optimizer state (default true). */
  compile?: boolean;
}

/** Loads a model saved by model.save(): architecture, weights and (if compiled) optimizer state. */
export function loadKernoModel(path: string, options: LoadOptions = {}): Model {
  const who = `loadModel: ${path}`;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${who}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const { tensors, metadata } = decodeSafetensors(bytes, who);
  let meta: {
    format?: string;
    formatVersion?: number;
    model?: { className: string; config: Record<string, unknown> };
    compile?: CompileConfig | null;
    optimizerIterations?: number;
    classNames?: string[] | null;
  };
  try {
    meta = JSON.parse(metadata.kerno ?? "null") ?? {};
  } catch {
    throw new Error(`${who}: corrupt model description in the file's metadata`);
  }
  if (meta.format !== FORMAT || !meta.model) throw new Error(`${who}: not a kerno model file (no '${FORMAT}' description)`);
  if ((meta.formatVersion ?? 0) > FORMAT_VERSION) throw new Error(`${who}: written by a newer kerno (format ${meta.formatVersion}); upgrade kerno`);
  let model: Model;
  try {
    model = modelFromConfig(meta.model.className, meta.model.config, who);
  } catch (err) {
    throw new Error(`${who}: cannot rebuild the architecture: ${(err as Error).message}`);
  }
  const keys = model.weightKeys();
  for (const [v, k] of keys) {
    const t = tensors.get(`weights/${k}`);
    if (!t) throw new Error(`${who}: the file has no weight '${k}'`);
    if (t.shape.join(",") !== v.shape.join(","))
      throw new Error(`${who}: weight '${k}' is [${v.shape.join(",")}] in the architecture but [${t.shape.join(",")}] in the file`);
    v.assign(tensor(t.data, t.shape));
  }
  if ((options.compile ?? true) && meta.compile) {
    const c = meta.compile;
    const optimizer = optimizerFromConfig(c.optimizer.className, c.optimizer.config);
    model.compile({ optimizer, loss: c.losses.map((l) => lossFromConfig(l.name, l.config)), metrics: c.metrics, lossWeights: c.lossWeights });
    optimizer.iterations = meta.optimizerIterations ?? 0;
    for (const [v, k] of keys) {
      for (const [name, t] of tensors) {
        if (!name.startsWith(`optimizer/${k}/`)) continue;
        if (!(t.data instanceof Float32Array)) throw new Error(`${who}: optimizer slot '${name}' is ${t.dtype}, expected F32`);
        optimizer.setSlot(v, name.slice(`optimizer/${k}/`.length), t.data);
      }
    }
  }
  model.classNames = meta.classNames ?? null;
  return model;
}
