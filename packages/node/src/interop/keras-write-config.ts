/**
 * A kerno model as Keras 3's config.json (serialize_keras_object of the model): the reverse of
 * keras-config.ts. Options become snake_case, initializers and regularizers Keras objects, every
 * layer gets a float32 dtype policy, and a functional model's calls become inbound nodes of
 * __keras_tensor__ arguments. Keras rejects keyword arguments it does not know, so options with no
 * Keras counterpart are renamed or dropped here, and layers Keras does not have are errors.
 */
import type { Initializer } from "@kerno/core/layers/initializers.js";
import { InputLayer } from "@kerno/core/layers/input.js";
import type { Layer, SymbolicTensor } from "@kerno/core/layers/layer.js";
import { tensorRef } from "@kerno/core/models/graph.js";
import { Model } from "@kerno/core/models/model.js";
import { kerasLayerOrder } from "./keras-layout.js";

type Json = Record<string, unknown>;
interface Spec {
  className: string;
  config: Json;
}

/** kerno layers with no Keras class: a model holding one cannot open in Keras. */
const KERNO_ONLY: Record<string, string> = {
  PreprocessInput: "use Rescaling (mode 'tf') or save as .kerno",
  HierarchyCombine: "save as .kerno",
};

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const kerasObject = (module: string, className: string, config: Json) => ({ module, class_name: className, config, registered_name: null });
const FLOAT32_POLICY = kerasObject("keras", "DTypePolicy", { name: "float32" });

const INITIALIZERS: Record<string, string> = {
  glorotUniform: "GlorotUniform",
  glorotNormal: "GlorotNormal",
  heUniform: "HeUniform",
  heNormal: "HeNormal",
  lecunUniform: "LecunUniform",
  lecunNormal: "LecunNormal",
  zeros: "Zeros",
  ones: "Ones",
  randomNormal: "RandomNormal",
  randomUniform: "RandomUniform",
  truncatedNormal: "TruncatedNormal",
  orthogonal: "Orthogonal",
};

function initializer(init: Initializer | null | undefined, who: string): Json | null {
  if (init === null || init === undefined) return null;
  if (typeof init === "function") throw new Error(`${who}: an initializer given as a function cannot be written to a Keras file`);
  const spec = typeof init === "string" ? { name: init } : init;
  const className = INITIALIZERS[spec.name];
  if (!className) throw new Error(`${who}: initializer '${spec.name}' has no Keras counterpart`);
  const seed = spec.seed ?? null;
  let config: Json = { seed };
  if (className === "Zeros" || className === "Ones") config = {};
  else if (className === "Orthogonal") config = { gain: 1, seed };
  else if (className === "RandomNormal" || className === "TruncatedNormal") config = { mean: spec.mean ?? 0, stddev: spec.stddev ?? 0.05, seed };
  else if (className === "RandomUniform") config = { minval: spec.minval ?? -0.05, maxval: spec.maxval ?? 0.05, seed };
  return kerasObject("keras.initializers", className, config);
}

function regularizer(r: { l1?: number; l2?: number } | null | undefined): Json | null {
  if (!r || (!r.l1 && !r.l2)) return null;
  if (r.l1 && r.l2) return kerasObject("keras.regularizers", "L1L2", { l1: r.l1, l2: r.l2 });
  return r.l1 ? kerasObject("keras.regularizers", "L1", { l1: r.l1 }) : kerasObject("keras.regularizers", "L2", { l2: r.l2 });
}

/** One layer's { className, config } as Keras's serialized layer. */
export function kerasLayerSpec(spec: Spec, who: string): Json {
  const { className, config } = spec;
  const layerWho = `${who}: ${className} '${String(config.name)}'`;
  if (KERNO_ONLY[className]) throw new Error(`${layerWho}: Keras has no ${className} layer (${KERNO_ONLY[className]})`);
  if (className === "InputLayer") {
    const shape = config.shape as (number | null)[];
    return kerasObject("keras.layers", "InputLayer", { batch_shape: [null, ...shape], dtype: config.dtype ?? "float32", sparse: false, name: config.name });
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.endsWith("Initializer")) out[snake(key)] = initializer(value as Initializer, layerWho);
    else if (key.endsWith("Regularizer")) out[snake(key)] = regularizer(value as { l1?: number; l2?: number } | null);
    else if (key === "layer") out.layer = kerasLayerSpec(value as Spec, who);
    else if (key !== "dtype") out[snake(key)] = value;
  }
  out.dtype = config.dtype === "mixed_bfloat16" ? kerasObject("keras", "DTypePolicy", { name: "mixed_bfloat16" }) : FLOAT32_POLICY;
  // Keras 3 spells LeakyReLU's slope negative_slope; SimpleRNN has no recurrent activation
  if (className === "LeakyReLU") {
    out.negative_slope = out.alpha;
    delete out.alpha;
  }
  if (className === "SimpleRNN") delete out.recurrent_activation;
  return kerasObject("keras.layers", className, out);
}

function functionalConfig(model: Model, who: string): Json {
  const nodes = model.nodes;
  const ref = (t: SymbolicTensor) => tensorRef(nodes, t);
  // a symbolic tensor as the __keras_tensor__ Keras writes into inbound nodes
  const kerasTensor = (t: SymbolicTensor) => ({ class_name: "__keras_tensor__", config: { shape: t.shape, dtype: t.dtype, keras_history: ref(t) } });
  const layers = kerasLayerOrder(model).map((layer) => {
    const calls = layer instanceof InputLayer ? [] : nodes.filter((n) => n.layer === layer);
    return {
      ...kerasSpecOf(layer, who),
      name: layer.name,
      inbound_nodes: calls.map((n) => ({
        args: [n.inputs.length === 1 ? kerasTensor(n.inputs[0]) : n.inputs.map(kerasTensor)],
        kwargs: {},
      })),
    };
  });
  return {
    module: "keras.src.models.functional",
    class_name: "Functional",
    config: { name: model.name, trainable: model.trainable, layers, input_layers: model.inputs.map(ref), output_layers: model.outputs.map(ref) },
    registered_name: "Functional",
  };
}

function sequentialConfig(model: Model, who: string): Json {
  const input = model.inputs[0];
  if (!input) throw new Error(`${who}: the Sequential model has no input shape yet (start it with Input() or call it on data)`);
  const batchShape = [null, ...input.shape.slice(1)];
  const inputLayer = kerasLayerSpec({ className: "InputLayer", config: { name: input.node.layer.name, shape: input.shape.slice(1), dtype: input.dtype } }, who);
  return {
    module: "keras",
    class_name: "Sequential",
    config: {
      name: model.name,
      trainable: model.trainable,
      dtype: FLOAT32_POLICY,
      layers: [inputLayer, ...model.layers.map((l) => kerasSpecOf(l, who))],
      build_input_shape: batchShape,
    },
    registered_name: null,
    build_config: { input_shape: batchShape },
  };
}

/** A layer (or a nested model) as Keras's serialized object. */
function kerasSpecOf(layer: Layer, who: string): Json {
  if (layer instanceof Model) return kerasModelConfig(layer, who);
  return kerasLayerSpec({ className: layer.className, config: layer.getConfig() }, who);
}

/** The whole model as config.json's object. */
export function kerasModelConfig(model: Model, who: string): Json {
  return model.className === "Sequential" ? sequentialConfig(model, who) : functionalConfig(model, who);
}
