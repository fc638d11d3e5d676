/**
 * The frozen, deterministic beginning of a model (a pretrained base with trainable = false, or the
 * frozen lower part of a base being fine-tuned; preprocessing, Flatten, ...): every layer in it has
 * no trainable weights and computes the same output in training as at inference, so its output
 * for an example never changes while the rest trains. fit's cacheFrozenPrefix computes it once
 * (the course's feature-extraction trick) and trains the rest on the cached features. A nested
 * model that is only partly frozen (fine-tuning its last layers) is split inside.
 */
import { InputLayer } from "../layers/input.js";
import type { Layer, LayerNode, SymbolicTensor } from "../layers/layer.js";
import type { Tensor } from "../tensor/tensor.js";
import { runGraph } from "./graph.js";
import type { Model } from "./model.js";

export interface FrozenSplit {
  /** The cached part: the model's inputs to the cached tensor, in inference mode. */
  prefixForward(inputs: Tensor[]): Tensor[];
  /** The rest of the model run from the cached tensor: the same layers, nodes and weights. */
  forwardSuffix(cached: Tensor[], training: boolean, logits?: readonly boolean[]): Tensor[];
  /** The layers (or, inside a nested model, model/layer) the prefix covers, and their frozen parameters. */
  layers: { name: string }[];
  frozenParams: number;
}

const cacheable = (l: Layer) => l.trainableWeights.length === 0 && l.deterministic;

/** The model's nodes, if its graph is a chain (one input, each layer reading the previous one's only output). */
function chain(model: Model): LayerNode[] | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const nodes = model.nodes.filter((n) => !(n.layer instanceof InputLayer));
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    const from = i === 0 ? model.inputs[0] : nodes[i - 1].outputs[0];
    if (n.inputs.length !== 1 || n.outputs.length !== 1 || n.inputs[0] !== from) return null;
  }
  return nodes.length > 0 && nodes[nodes.length - 1].outputs[0] === model.outputs[0] ? nodes : null;
}

const run = (nodes: LayerNode[], from: SymbolicTensor, to: SymbolicTensor, values: Tensor[], training: boolean, logits?: readonly boolean[]) =>
  runGraph({ nodes, layers: nodes.map((n) => n.layer) }, [from], [to], values, { training }, logits).outputs;

/**
 * Splits a chain model (every Sequential, and functional chains such as preprocessing -> base ->
 * head) after its longest cacheable beginning, going inside a partly trainable nested model. Null
 * when nothing with weights can be cached.
 */
export function splitFrozenPrefix(model: Model): FrozenSplit | null {
  const nodes = chain(model);
  if (!nodes) return null;
  let cut = 0;
  while (cut < nodes.length - 1 && cacheable(nodes[cut].layer)) cut++;
  const head = nodes.slice(0, cut);
  const input = model.inputs[0];
  const output = model.outputs[0];
  const headParams = head.reduce((s, n) => s + n.layer.countParams(), 0);
  const headEnd = cut === 0 ? input : head[cut - 1].outputs[0];
  // the first layer that trains may be a model whose own beginning is frozen (fine-tuning)
  const next = nodes[cut].layer as Partial<Model>;
  const inner = typeof next.frozenPrefix === "function" ? next.frozenPrefix() : null;
  const rest = nodes.slice(inner ? cut + 1 : cut);
  if (headParams + (inner?.frozenParams ?? 0) === 0) return null;
  const afterInner = inner ? nodes[cut].outputs[0] : headEnd;
  return {
    prefixForward(values) {
      const h = cut === 0 ? values : run(head, input, headEnd, values, false);
      return inner ? inner.prefixForward(h) : h;
    },
    forwardSuffix(cached, training, logits) {
      const fromInner = inner ? inner.forwardSuffix(cached, training, rest.length ? undefined : logits) : cached;
      return rest.length ? run(rest, afterInner, output, fromInner, training, logits) : fromInner;
    },
    layers: [...head.map((n) => n.layer), ...(inner ? inner.layers.map((l) => ({ name: `${nodes[cut].layer.name}/${l.name}` })) : [])],
    frozenParams: headParams + (inner?.frozenParams ?? 0),
  };
}
