/**
 * A functional graph: the layer calls (nodes) between a model's symbolic inputs and outputs,
 * in an order where every node comes after the nodes that produce its inputs, and one pass of
 * concrete tensors through it.
 */

import { InputLayer } from "../layers/input.js";
import type { CallOptions, Layer, LayerNode, Mask, SymbolicTensor } from "../layers/layer.js";
import { bufferPool } from "../tensor/buffer-pool.js";
import { activeTape } from "../tensor/tape.js";
import type { Tensor } from "../tensor/tensor.js";
import { graphRewrites } from "./rewrites.js";

export interface Graph {
  /** Nodes in execution order, input nodes first. */
  nodes: LayerNode[];
  /** Distinct layers in order of first use (InputLayers included). */
  layers: Layer[];
}

export function buildGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[], who: string): Graph {
  const inputIds = new Set(inputs.map((t) => t.id));
  for (const t of inputs) {
    if (!(t.node.layer instanceof InputLayer)) {
      throw new TypeError(`${who}: inputs must come from Input(), but '${t.name}' is the output of ${t.node.layer.who}`);
    }
  }
  const order: LayerNode[] = [];
  const state = new Map<LayerNode, "visiting" | "done">();
  // iterative post-order DFS over producing nodes
  const stack: { node: LayerNode; next: number }[] = [];
  const visit = (start: LayerNode) => {
    if (state.get(start) === "done") return;
    stack.push({ node: start, next: 0 });
    state.set(start, "visiting");
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.inputs.length) {
        const t = top.node.inputs[top.next++];
        const producer = t.node;
        if (producer.layer instanceof InputLayer && !inputIds.has(t.id)) {
          throw new RangeError(`${who}: an output depends on input '${t.name}', which is not among the model's inputs`);
        }
        const s = state.get(producer);
        if (s === "visiting") throw new RangeError(`${who}: the graph has a cycle through ${producer.layer.who}`);
        if (s !== "done") {
          state.set(producer, "visiting");
          stack.push({ node: producer, next: 0 });
        }
      } else {
        stack.pop();
        state.set(top.node, "done");
        order.push(top.node);
      }
    }
  };
  for (const t of inputs) visit(t.node);
  for (const t of outputs) visit(t.node);
  const layers: Layer[] = [];
  const seen = new Set<Layer>();
  for (const n of order) {
    if (!seen.has(n.layer)) {
      seen.add(n.layer);
      layers.push(n.layer);
    }
  }
  return { nodes: order, layers };
}

/** Which of its layer's calls in `nodes` a node is (Keras's node index within a model's config). */
export function callIndex(nodes: LayerNode[], node: LayerNode): number {
  return nodes.filter((n) => n.layer === node.layer).indexOf(node);
}

/** A tensor as Keras's reference [layer name, call index, output index] within `nodes`. */
export function tensorRef(nodes: LayerNode[], t: SymbolicTensor): [string, number, number] {
  return [t.node.layer.name, callIndex(nodes, t.node), t.index];
}

/**
 * One pass of `values` (one per input) through the graph. Each layer call gets its inputs' masks
 * and gives its outputs' (Layer.computeMask), so a mask made by Embedding or Masking reaches every
 * later layer that supports masking, as in Keras. Outputs flagged in `logits` come back before
 * their layer's final activation. `given` supplies the values of some symbolic tensors: their
 * nodes are not called.
 */
export function runGraph(
  graph: Graph,
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  values: Tensor[],
  options: CallOptions,
  logits?: readonly boolean[],
  given?: ReadonlyMap<number, Tensor>,
): { outputs: Tensor[]; masks: Mask[] } {
  const computed = new Map<number, Tensor>();
  const masks = new Map<number, Mask>();
  const inputMasks = Array.isArray(options.mask) ? options.mask : [options.mask ?? null];
  inputs.forEach((t, i) => {
    computed.set(t.id, values[i]);
    masks.set(t.id, inputMasks[i] ?? null);
  });
  const logitIds = new Set(outputs.filter((_, i) => logits?.[i]).map((t) => t.id));
  // in inference nothing keeps an intermediate once its last reader ran: recycle its buffer
  const inference = !options.training && activeTape() === null;
  const recycler = inference ? new Recycler(graph, outputs, [...values, ...(given?.values() ?? [])]) : null;
  // runs of calls that one fused op replaces (rewrites.ts), in training too; not where values are given
  const rewrites = given ? null : graphRewrites(graph.nodes, new Set(outputs.map((t) => t.id)), !inference);
  const replaced = new Set<LayerNode>();
  for (const [index, node] of graph.nodes.entries()) {
    if (node.layer instanceof InputLayer) continue;
    if (replaced.has(node)) {
      recycler?.consumed(index, node, computed);
      continue;
    }
    // values supplied for a node's outputs replace its call (how interpretation watches a layer's output)
    if (given && node.outputs.every((t) => given.has(t.id))) {
      for (const t of node.outputs) computed.set(t.id, given.get(t.id)!);
      continue;
    }
    const args = node.inputs.map((t) => computed.get(t.id)!);
    const argMasks = node.inputs.map((t) => masks.get(t.id) ?? null);
    const one = node.inputs.length === 1;
    // a masked input keeps the calls as they are (the layers say what they do with a mask)
    const rewrite = argMasks[0] === null ? rewrites?.get(node) : undefined;
    for (const r of rewrite?.replaces ?? []) replaced.add(r);
    const result = rewrite
      ? { outputs: rewrite.run(args[0]), mask: null }
      : node.layer.applyWithMask(one ? args[0] : args, {
          training: options.training,
          mask: argMasks.every((m) => m === null) ? null : one ? argMasks[0] : argMasks,
          logits: node.outputs.length === 1 && logitIds.has(node.outputs[0].id),
        });
    const outs = Array.isArray(result.outputs) ? result.outputs : [result.outputs];
    const outMasks = Array.isArray(result.mask) ? result.mask : [result.mask];
    // a rewrite's result is the output of the last call it includes
    (rewrite?.replaces.at(-1) ?? node).outputs.forEach((t, i) => {
      computed.set(t.id, outs[i]);
      masks.set(t.id, outMasks[i] ?? null);
      recycler?.produced(outs[i]);
    });
    recycler?.consumed(index, node, computed);
  }
  return { outputs: outputs.map((t) => computed.get(t.id)!), masks: outputs.map((t) => masks.get(t.id) ?? null) };
}

/**
 * Gives a graph run's intermediate buffers back to the pool after their last reader: counted per
 * buffer, since a reshape or an identity layer shares its input's; the inputs' (given values
 * included), the outputs' and the weights' buffers are never given back.
 */
class Recycler {
  private readonly lastUse = new Map<number, number>();
  private readonly keep = new Set<ArrayBufferLike>();
  private readonly keepIds: Set<number>;
  private readonly users = new Map<ArrayBufferLike, number>();

  constructor(graph: Graph, outputs: SymbolicTensor[], inputs: Tensor[]) {
    graph.nodes.forEach((node, i) => {
      for (const t of node.inputs) this.lastUse.set(t.id, i);
    });
    this.keepIds = new Set(outputs.map((t) => t.id));
    for (const t of inputs) this.keep.add(t.values.buffer);
    for (const layer of graph.layers) for (const w of layer.weights) this.keep.add(w.values.buffer);
  }

  produced(t: Tensor): void {
    const b = t.values.buffer;
    this.users.set(b, (this.users.get(b) ?? 0) + 1);
  }

  consumed(index: number, node: LayerNode, computed: Map<number, Tensor>): void {
    for (const s of new Set(node.inputs)) {
      if (this.lastUse.get(s.id) !== index || this.keepIds.has(s.id)) continue;
      const t = computed.get(s.id);
      if (t?.dtype !== "float32") continue;
      const b = t.values.buffer;
      const left = (this.users.get(b) ?? 1) - 1;
      this.users.set(b, left);
      if (left === 0 && !this.keep.has(b)) bufferPool.give(t.values as Float32Array);
    }
  }
}
