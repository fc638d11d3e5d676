/**
 * Rebuilds models: from an architecture (modelFromConfig, rebuildModel: also for the Keras and
 * TF.js readers in src/interop), and from the bytes of a .kerno file (decodeModel: the
 * architecture, then the weights and, when it was compiled, its compile settings and optimizer
 * state; loadModel reads the file, src/interop/load-model.ts). Layers come from a fixed registry
 * of classes; no code from the file is ever executed.
 */
import { Input, InputLayer } from "../layers/input.js";
import { type Layer, type SymbolicTensor, withWeightGate } from "../layers/layer.js";
import { layerFromConfig } from "../layers/registry.js";
import { discardArrays } from "../tensor/device.js";
import { shapeToString } from "../tensor/shape.js";
import type { CompileConfig } from "../training/compile.js";
import { lossFromConfig } from "../training/losses.js";
import { optimizerFromConfig } from "../training/optimizers.js";
import { Model } from "./model.js";
import { decodeSafetensors, type SafeTensor } from "./safetensors.js";
import { FORMAT, FORMAT_VERSION } from "./save.js";
import { Sequential } from "./sequential.js";
import { arrayAt, countAt, fail, objectAt, parseJson, shapeAt, sizeOf, stringAt, wrapError } from "./validate.js";

type Ref = [string, number, number];
interface LayerSpec {
  className: string;
  config: Record<string, unknown>;
}

/** A { className, config } entry of a saved architecture, checked. */
function layerSpec(v: unknown, who: string, where: string): LayerSpec {
  const o = objectAt(v, who, where);
  return { className: stringAt(o.className, who, `${where}.className`), config: objectAt(o.config, who, `${where}.config`) };
}

/** A reference to a layer's output: [layer name, call index, output index]. */
function ref(v: unknown, who: string, where: string): Ref {
  const r = arrayAt(v, who, where);
  if (r.length !== 3) fail(who, where, "[layer name, call, output]", v);
  return [stringAt(r[0], who, `${where}[0]`), countAt(r[1], who, `${where}[1]`), countAt(r[2], who, `${where}[2]`)];
}
const refs = (v: unknown, who: string, where: string): Ref[] => arrayAt(v, who, where).map((r, i) => ref(r, who, `${where}[${i}]`));

/** Rebuilds a model (Functional or Sequential) from its saved class name and config, checking its structure first. */
export function modelFromConfig(className: string, config: Record<string, unknown>, who: string): Model {
  const name = config.name === undefined ? undefined : stringAt(config.name, who, `${className}.name`);
  if (className === "Sequential") {
    const seq = new Sequential([], { name });
    const inputShape = config.inputShape === null || config.inputShape === undefined ? null : shapeAt(config.inputShape, who, "Sequential.inputShape", true);
    if (inputShape) seq.add(Input({ shape: inputShape }));
    arrayAt(config.layers, who, "Sequential.layers").forEach((l, i) => {
      const spec = layerSpec(l, who, `Sequential.layers[${i}]`);
      seq.add(buildLayer(spec.className, spec.config, who));
    });
    if (config.trainable === false) seq.trainable = false;
    return seq;
  }
  if (className !== "Functional") throw new Error(`${who}: unknown model class '${className}' (expected Sequential or Functional)`);
  const specs = arrayAt(config.layers, who, "Functional.layers").map((l, i) => {
    const where = `Functional.layers[${i}]`;
    const spec = layerSpec(l, who, where);
    const nodes = arrayAt((l as Record<string, unknown>).inboundNodes ?? [], who, `${where}.inboundNodes`);
    return { ...spec, name: stringAt(spec.config.name, who, `${where}.config.name`), nodes: nodes.map((n, j) => refs(n, who, `${where}.inboundNodes[${j}]`)) };
  });
  const layers = new Map<string, Layer>();
  const produced = new Map<string, SymbolicTensor>();
  const key = (r: Ref) => `${r[0]}:${r[1]}:${r[2]}`;
  for (const spec of specs) {
    if (layers.has(spec.name)) throw new Error(`${who}: corrupt architecture: two layers are named '${spec.name}'`);
    if (spec.className === "InputLayer") {
      const input = new InputLayer(spec.config as never);
      layers.set(spec.name, input);
      produced.set(key([spec.name, 0, 0]), input.output);
    } else layers.set(spec.name, buildLayer(spec.className, spec.config, who));
  }
  // apply each call once its inputs exist (Kahn's order: linear in the calls, whatever order the file lists them in)
  const calls = specs.flatMap((s) => s.nodes.map((r, call) => ({ name: s.name, refs: r, call, missing: 0 })));
  const waiting = new Map<string, typeof calls>();
  const ready: typeof calls = [];
  for (const c of calls) {
    for (const r of new Set(c.refs.map(key)))
      if (!produced.has(r)) {
        c.missing++;
        waiting.set(r, [...(waiting.get(r) ?? []), c]);
      }
    if (c.missing === 0) ready.push(c);
  }
  let applied = 0;
  while (ready.length) {
    const { name: layerName, refs: inputRefs, call } = ready.pop()!;
    applied++;
    const inputs = inputRefs.map((r) => produced.get(key(r))!);
    const layer = layers.get(layerName)!;
    const out: SymbolicTensor | SymbolicTensor[] = inputs.length === 1 ? layer.apply(inputs[0]) : layer.apply(inputs);
    (Array.isArray(out) ? out : [out]).forEach((t, j) => {
      const k = key([layerName, call, j]);
      produced.set(k, t);
      for (const c of waiting.get(k) ?? []) if (--c.missing === 0) ready.push(c);
      waiting.delete(k);
    });
  }
  if (applied < calls.length) {
    const stuck = calls.filter((c) => c.missing > 0).map((c) => c.name);
    throw new Error(`${who}: corrupt architecture: cannot connect ${[...new Set(stuck)].join(", ")}`);
  }
  const pick = (where: string) =>
    refs(config[where], who, `Functional.${where}`).map((r) => {
      const t = produced.get(key(r));
      if (!t) throw new Error(`${who}: corrupt architecture: ${where} names ${key(r)}, which no layer produces`);
      return t;
    });
  const model = new Model({ inputs: pick("inputLayers"), outputs: pick("outputLayers"), name });
  if (config.trainable === false) model.trainable = false;
  return model;
}

/** Values an architecture may declare beyond what the file holds (4 MiB): a small mismatch gets its precise error later. */
const SLACK = 2 ** 20;

/**
 * modelFromConfig for a file that holds `held` weight values: each weight's shape is checked (and
 * counted against `held`) before it is allocated, so a 1 KB file cannot ask for gigabytes; any
 * error names the file.
 */
export function rebuildModel(className: string, config: Record<string, unknown>, who: string, held: number): Model {
  let declared = 0;
  // kept apart: a layer prefixes its name to errors thrown in its build
  let refused: string | null = null;
  const refuse = (message: string): never => {
    refused = `${who}: ${message}`;
    throw new Error(refused);
  };
  const gate = (layer: string, weight: string, shape: readonly number[]) => {
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      refuse(`${layer} would create weight '${weight}' of shape [${shape.join(", ")}]: expected dimensions that are integers >= 0`);
    declared += sizeOf(shape);
    if (declared > held + SLACK)
      refuse(
        `the architecture declares more weights than the file holds: with ${layer}'s '${weight}' [${shape.join(", ")}] it needs ${declared} values, the file holds ${held}`,
      );
  };
  let model: Model;
  try {
    model = withWeightGate(gate, () => modelFromConfig(className, config, who));
  } catch (err) {
    throw refused ? new Error(refused) : wrapError(err, who, "cannot rebuild the architecture");
  }
  const largest = largestOutput(model);
  if (largest && largest.bytes > ACTIVATION_LIMIT)
    throw new Error(
      `${who}: layer '${largest.layer}' would output ${shapeToString(largest.shape)} per example (${(largest.bytes / 2 ** 30).toFixed(1)} GiB): expected at most 1 GiB, as no trained network needs more`,
    );
  return model;
}

/** One example's largest layer output (float32) allowed in a model read from a file: a tiny file must not make every predict allocate gigabytes. */
const ACTIVATION_LIMIT = 2 ** 30;

/** The layer (nested models included) whose output for one example is largest, where shapes are known. */
function largestOutput(model: Model): { layer: string; shape: number[]; bytes: number } | null {
  let best: { layer: string; shape: number[]; bytes: number } | null = null;
  for (const node of model.nodes) {
    const inner = node.layer instanceof Model ? largestOutput(node.layer) : null;
    if (inner && (!best || inner.bytes > best.bytes)) best = inner;
    for (const out of node.outputs) {
      const dims = out.shape.slice(1);
      if (dims.some((d) => d === null)) continue;
      const bytes = 4 * (dims as number[]).reduce((a, b) => a * b, 1);
      if (!best || bytes > best.bytes) best = { layer: node.layer.name, shape: dims as number[], bytes };
    }
  }
  return best;
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

/**
 * A model from the bytes of a .kerno file (model.save's, or encodeModel's): architecture, weights
 * and (if compiled) optimizer state. `who` names the source in errors. Reading the file is
 * loadModel's (src/interop/load-model.ts); this runs anywhere.
 */
export function decodeModel(bytes: Uint8Array, options: LoadOptions = {}, who = "decodeModel"): Model {
  const { tensors, metadata } = decodeSafetensors(bytes, who);
  if (metadata.kerno === undefined) throw new Error(`${who}: not a kerno model file (no '${FORMAT}' description in the safetensors metadata)`);
  const meta = objectAt(parseJson(metadata.kerno, who, "the model description"), who, "the model description");
  if (meta.format !== FORMAT) fail(who, "the model description's format", `'${FORMAT}' (not a kerno model file)`, meta.format);
  const version = countAt(meta.formatVersion ?? 0, who, "formatVersion");
  if (version > FORMAT_VERSION) throw new Error(`${who}: written by a newer kerno (format ${version}); upgrade kerno`);
  const spec = layerSpec(meta.model, who, "model");
  // the weights' values bound what the architecture may allocate
  let held = 0;
  for (const [name, t] of tensors) if (name.startsWith("weights/")) held += t.data.length;
  const model = rebuildModel(spec.className, spec.config, who, held);
  const keys = model.weightKeys();
  for (const [v, k] of keys) {
    const t = tensors.get(`weights/${k}`);
    if (!t) throw new Error(`${who}: the file has no weight '${k}'`);
    if (t.shape.join(",") !== v.shape.join(","))
      throw new Error(`${who}: weight '${k}' is [${v.shape.join(",")}] in the architecture but [${t.shape.join(",")}] in the file`);
    if (t.dtype !== "F32") fail(who, `weight '${k}'`, "F32 values", t.dtype);
    discardArrays([v.values]);
    v.values.set(t.data);
  }
  if ((options.compile ?? true) && meta.compile !== null && meta.compile !== undefined) {
    try {
      restoreCompile(model, meta, tensors, who);
    } catch (err) {
      throw wrapError(err, who, "cannot restore the compile settings");
    }
  }
  const classNames = meta.classNames === null || meta.classNames === undefined ? null : arrayAt(meta.classNames, who, "classNames");
  model.classNames = classNames?.map((c, i) => stringAt(c, who, `classNames[${i}]`)) ?? null;
  return model;
}

/** Compile settings and optimizer state, checked: a damaged one is an error, never a half-compiled model. */
function restoreCompile(model: Model, meta: Record<string, unknown>, tensors: Map<string, SafeTensor>, who: string): void {
  const c = objectAt(meta.compile, who, "compile");
  const opt = objectAt(c.optimizer, who, "compile.optimizer");
  const optimizer = optimizerFromConfig(stringAt(opt.className, who, "compile.optimizer.className"), objectAt(opt.config, who, "compile.optimizer.config"));
  const losses = arrayAt(c.losses, who, "compile.losses").map((l, i) => {
    const o = objectAt(l, who, `compile.losses[${i}]`);
    return lossFromConfig(stringAt(o.name, who, `compile.losses[${i}].name`), objectAt(o.config ?? {}, who, `compile.losses[${i}].config`));
  });
  const lossWeights = arrayAt(c.lossWeights, who, "compile.lossWeights");
  lossWeights.forEach((w, i) => Number.isFinite(w) || fail(who, `compile.lossWeights[${i}]`, "a number", w));
  const metrics = objectAt(c.metrics ?? {}, who, "compile.metrics") as CompileConfig["metrics"];
  model.compile({ optimizer, loss: losses, metrics, lossWeights: lossWeights as number[] });
  optimizer.iterations = countAt(meta.optimizerIterations ?? 0, who, "optimizerIterations");
  for (const [v, k] of model.weightKeys()) {
    for (const [name, t] of tensors) {
      if (!name.startsWith(`optimizer/${k}/`)) continue;
      if (!(t.data instanceof Float32Array)) throw new Error(`${who}: optimizer slot '${name}' is ${t.dtype}, expected F32`);
      optimizer.setSlot(v, name.slice(`optimizer/${k}/`.length), t.data);
    }
  }
}
