/**
 * Keras's model JSON (what model.to_json(), .keras archives, .h5 files and TensorFlow.js
 * model.json hold: Keras 2 and Keras 3 layouts) translated into kerno's own model config, which
 * models/rebuild.ts rebuilds. snake_case options become kerno's camelCase ones; initializers and
 * regularizers are mapped; options kerno cannot honour are errors naming the layer.
 */
import type { Initializer } from "@kerno/core/layers/initializers.js";
import { arrayAt, countAt, fail, type Json, objectAt, shapeAt, stringAt } from "@kerno/core/models/validate.js";

export interface KernoSpec {
  className: string;
  config: Json;
}
type Ref = [string, number, number];

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Keys that hold nothing kerno uses (it loads weights, never runs constraints or tracks these). */
const IGNORED = new Set([
  "data_format",
  "activity_regularizer",
  "kernel_constraint",
  "bias_constraint",
  "recurrent_constraint",
  "depthwise_constraint",
  "pointwise_constraint",
  "beta_constraint",
  "gamma_constraint",
  "embeddings_constraint",
  "sparse",
  "ragged",
  "implementation",
  "unroll",
  "time_major",
  "stateful",
  "batch_size",
  "synchronized",
  "renorm",
  "renorm_clipping",
  "renorm_momentum",
  "fused",
  "virtual_batch_size",
  "adjustment",
  "module",
  "registered_name",
  "build_config",
  "autocast",
  "input_dim_config",
]);

const INITIALIZERS: Record<string, Initializer> = {
  Zeros: "zeros",
  zeros: "zeros",
  Ones: "ones",
  ones: "ones",
  GlorotUniform: "glorotUniform",
  glorot_uniform: "glorotUniform",
  GlorotNormal: "glorotNormal",
  glorot_normal: "glorotNormal",
  HeUniform: "heUniform",
  he_uniform: "heUniform",
  HeNormal: "heNormal",
  he_normal: "heNormal",
  LecunUniform: "lecunUniform",
  LecunNormal: "lecunNormal",
  Orthogonal: "orthogonal",
  orthogonal: "orthogonal",
};

/** A Keras initializer spec as kerno's (weights are loaded over it anyway; an unusual one becomes Glorot). */
function initializer(spec: unknown): Initializer | undefined {
  if (spec === null || spec === undefined) return undefined;
  const name = typeof spec === "string" ? spec : ((spec as Json).class_name as string);
  const cfg = (typeof spec === "object" ? ((spec as Json).config as Json) : {}) ?? {};
  if (INITIALIZERS[name]) return INITIALIZERS[name];
  if (name === "RandomNormal") return { name: "randomNormal", mean: cfg.mean as number, stddev: cfg.stddev as number };
  if (name === "RandomUniform") return { name: "randomUniform", minval: cfg.minval as number, maxval: cfg.maxval as number };
  if (name === "TruncatedNormal") return { name: "truncatedNormal", mean: cfg.mean as number, stddev: cfg.stddev as number };
  if (name === "VarianceScaling") {
    const { scale, mode, distribution } = cfg as { scale: number; mode: string; distribution: string };
    const uniform = distribution === "uniform";
    if (scale === 2 && mode === "fan_in") return uniform ? "heUniform" : "heNormal";
    if (scale === 1 && mode === "fan_in") return uniform ? "lecunUniform" : "lecunNormal";
    return uniform ? "glorotUniform" : "glorotNormal";
  }
  return "glorotUniform";
}

function regularizer(spec: unknown): { l1?: number; l2?: number } | null {
  if (spec === null || spec === undefined) return null;
  const cfg = ((spec as Json).config as Json) ?? {};
  const l1 = Number(cfg.l1 ?? 0),
    l2 = Number(cfg.l2 ?? 0);
  if (!l1 && !l2) return null;
  return { ...(l1 ? { l1 } : {}), ...(l2 ? { l2 } : {}) };
}

/** Keras 3 writes a layer's dtype as a policy object: float32 (kerno's default) or mixed_bfloat16 are kept. */
function dtypeOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  const name = ((value as Json)?.config as Json)?.name;
  return typeof name === "string" ? name : undefined;
}

/** One layer's Keras config as kerno's layer config (options camelCased, special values mapped). */
export function layerConfig(className: string, cfg: Json, who: string): KernoSpec {
  objectAt(cfg, who, `${className}'s config`);
  const out: Json = {};
  const layerWho = `${who}: ${className} '${String(cfg.name)}'`;
  if (cfg.data_format !== undefined && cfg.data_format !== "channels_last")
    throw new Error(`${layerWho}: data_format '${String(cfg.data_format)}' is not supported (kerno is channels-last)`);
  if (cfg.stateful === true) throw new Error(`${layerWho}: stateful recurrent layers are not supported`);
  if (cfg.groups !== undefined && cfg.groups !== 1) throw new Error(`${layerWho}: grouped convolutions (groups ${String(cfg.groups)}) are not supported`);
  for (const [key, value] of Object.entries(cfg)) {
    if (IGNORED.has(key) || value === null) continue;
    if (key.endsWith("_initializer")) out[camel(key)] = initializer(value);
    else if (key.endsWith("_regularizer")) out[camel(key)] = regularizer(value);
    else if (key === "dtype") {
      const d = dtypeOf(value);
      if (d === "int32" || d === "bool" || d === "mixed_bfloat16") out.dtype = d;
    } else if (key === "layer") {
      const inner = objectAt(value, who, `${layerWho}: layer`);
      out.layer = layerConfig(stringAt(inner.class_name, who, `${layerWho}: layer.class_name`), objectAt(inner.config, who, `${layerWho}: layer.config`), who);
    } else out[camel(key)] = value;
  }
  if (className === "LeakyReLU" && out.alpha === undefined && out.negativeSlope !== undefined) out.alpha = out.negativeSlope;
  if (className === "ReLU" && Number(out.threshold ?? 0) !== 0) throw new Error(`${layerWho}: a non-zero threshold is not supported`);
  if (className === "InputLayer") {
    const raw = cfg.batch_input_shape ?? cfg.batch_shape;
    if (raw === undefined || raw === null) throw new Error(`${layerWho}: no input shape (batch_input_shape or batch_shape)`);
    const shape = shapeAt(raw, who, `${layerWho}: batch_shape`, true);
    return { className, config: { name: cfg.name, shape: shape.slice(1), ...(out.dtype ? { dtype: out.dtype } : {}) } };
  }
  if (className === "Sequential" || className === "Functional" || className === "Model") return modelConfig({ class_name: className, config: cfg }, who);
  delete out.batchInputShape;
  delete out.batchShape;
  delete out.inputShape;
  return { className, config: out };
}

/** Keras 3's inbound node ({ args: [...keras tensors] }) or Keras 2's ([[name, call, index, kwargs], ...]) as kerno's refs. */
function inboundRefs(node: unknown, who: string, where: string): Ref[] {
  const ref = (r: unknown, at: string): Ref => {
    const a = arrayAt(r, who, at);
    return [stringAt(a[0], who, `${at}[0]`), countAt(a[1], who, `${at}[1]`), countAt(a[2], who, `${at}[2]`)];
  };
  if (Array.isArray(node)) return node.map((r, i) => ref(r, `${where}[${i}]`));
  const refs: Ref[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Json;
      if (o.class_name === "__keras_tensor__")
        refs.push(ref(objectAt(o.config, who, `${where}: a keras tensor's config`).keras_history, `${where}: keras_history`));
      else Object.values(o).forEach(walk);
    }
  };
  walk(objectAt(node, who, where).args);
  return refs;
}

/** Keras lists one input or output as [name, 0, 0] and several as [[...], [...]]. */
const refList = (v: unknown, who: string, where: string): Ref[] => {
  const list = arrayAt(v, who, where);
  return list.length > 0 && typeof list[0] === "string" ? [list as Ref] : (list as Ref[]);
};

/** A Keras model config ({ class_name, config }) as kerno's. */
export function modelConfig(raw: unknown, who: string): KernoSpec {
  const spec = objectAt(raw, who, "the model config");
  const className = stringAt(spec.class_name, who, "the model config's class_name");
  const cfg = Array.isArray(spec.config) ? spec.config : objectAt(spec.config, who, `${className}'s config`);
  if (className === "Sequential") {
    const list = Array.isArray(cfg) ? cfg : arrayAt(cfg.layers, who, "Sequential's layers");
    let inputShape: (number | null)[] | null = null;
    const layers: KernoSpec[] = [];
    list.forEach((item, i) => {
      const l = objectAt(item, who, `Sequential's layers[${i}]`);
      const layerClass = stringAt(l.class_name, who, `Sequential's layers[${i}].class_name`);
      const lc = objectAt(l.config, who, `Sequential's layers[${i}].config`);
      const shape = lc.batch_input_shape ?? lc.batch_shape;
      if (shape !== undefined && shape !== null && !inputShape)
        inputShape = shapeAt(shape, who, `${layerClass} '${String(lc.name)}': batch_shape`, true).slice(1);
      if (layerClass !== "InputLayer") layers.push(layerConfig(layerClass, lc, who));
    });
    const name = Array.isArray(cfg) ? "sequential" : cfg.name;
    return { className: "Sequential", config: { name, trainable: Array.isArray(cfg) ? true : cfg.trainable !== false, inputShape, layers } };
  }
  if (className !== "Model" && className !== "Functional")
    throw new Error(`${who}: unknown model class '${className}' (expected Sequential, Functional or Model)`);
  if (Array.isArray(cfg)) fail(who, `${className}'s config`, "an object", cfg);
  const layers = arrayAt(cfg.layers, who, `${className}'s layers`).map((item, i) => {
    const where = `${className}'s layers[${i}]`;
    const l = objectAt(item, who, where);
    const { className: cn, config } = layerConfig(stringAt(l.class_name, who, `${where}.class_name`), objectAt(l.config, who, `${where}.config`), who);
    const name = stringAt(l.name ?? config.name, who, `${where}.name`);
    const nodes = arrayAt(l.inbound_nodes ?? [], who, `${where}.inbound_nodes`);
    return { className: cn, config: { ...config, name }, inboundNodes: nodes.map((n, j) => inboundRefs(n, who, `${where}.inbound_nodes[${j}]`)) };
  });
  return {
    className: "Functional",
    config: {
      name: cfg.name,
      trainable: cfg.trainable !== false,
      layers,
      inputLayers: refList(cfg.input_layers, who, `${className}'s input_layers`),
      outputLayers: refList(cfg.output_layers, who, `${className}'s output_layers`),
    },
  };
}
