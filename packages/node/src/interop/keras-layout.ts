/**
 * Where Keras 3 keeps a model's variables in model.weights.h5 (saving_lib's _save_state): a
 * model's layers sit under layers/<key>, where the key is the snake_case class name with a
 * counter per class (dense, dense_1, ...) in the order of Keras's model.layers, never the layer's
 * own name; a layer's variables sit in vars/0, vars/1, ... of its group, a recurrent layer's in
 * its cell, a wrapper's in its wrapped layers. The reader (h5.ts) and the writer (keras-save.ts)
 * both address the file through this one description.
 */
import type { Layer, LayerNode } from "@kerno/core/layers/layer.js";
import { snakeCase } from "@kerno/core/layers/symbolic.js";
import { Bidirectional, TimeDistributed } from "@kerno/core/layers/wrappers.js";
import type { Model } from "@kerno/core/models/model.js";

const RECURRENT = new Set(["SimpleRNN", "LSTM", "GRU"]);

/**
 * A functional model's layers in Keras's order (map_graph): by depth from the outputs, farthest
 * first, ties broken by the order in which a walk back from the outputs first meets them.
 */
function functionalOrder(model: Model): Layer[] {
  const firstSeen = new Map<Layer, number>();
  const done = new Set<LayerNode>();
  const postOrder: LayerNode[] = [];
  const inputNodes = new Set(model.inputs.map((t) => t.node));
  const visit = (node: LayerNode) => {
    if (done.has(node)) return;
    if (!firstSeen.has(node.layer)) firstSeen.set(node.layer, firstSeen.size);
    if (!inputNodes.has(node)) for (const t of node.inputs) visit(t.node);
    done.add(node);
    postOrder.push(node);
  };
  for (const t of model.outputs) visit(t.node);
  const nodeDepth = new Map<LayerNode, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of [...postOrder].reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    if (inputNodes.has(node)) continue;
    for (const t of node.inputs) nodeDepth.set(t.node, Math.max(depth + 1, nodeDepth.get(t.node) ?? 0));
  }
  // inputs that no output depends on still count, first in their depth
  for (const t of model.inputs)
    if (!layerDepth.has(t.node.layer)) {
      layerDepth.set(t.node.layer, 0);
      firstSeen.set(t.node.layer, -1);
    }
  return [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || firstSeen.get(a)! - firstSeen.get(b)!);
}

/** Keras's model.layers: a Sequential's stack (no InputLayer), a functional model's graph order. */
export function kerasLayerOrder(model: Model): Layer[] {
  return model.className === "Sequential" ? model.layers : functionalOrder(model);
}

/** Each layer of `model` with its key under layers/ in Keras 3's weights file. */
export function kerasLayerKeys(model: Model): { layer: Layer; key: string }[] {
  const used = new Map<string, number>();
  return kerasLayerOrder(model).map((layer) => {
    const base = snakeCase(layer.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return { layer, key: n === undefined ? base : `${base}_${n + 1}` };
  });
}

/** The groups (paths relative to the layer's group) that hold a layer's variables, in the order of layer.weights. */
export function kerasVariableGroups(layer: Layer, prefix = ""): { path: string; count: number }[] {
  if (RECURRENT.has(layer.className)) return [{ path: `${prefix}cell`, count: layer.weights.length }];
  if (layer instanceof Bidirectional)
    return [...kerasVariableGroups(layer.forwardLayer, `${prefix}forward_layer/`), ...kerasVariableGroups(layer.backwardLayer, `${prefix}backward_layer/`)];
  if (layer instanceof TimeDistributed) return kerasVariableGroups(layer.layer, `${prefix}layer/`);
  return [{ path: prefix.replace(/\/$/, ""), count: layer.weights.length }];
}
