/**
 * A functional graph: the layer calls (nodes) between a model's symbolic inputs and outputs,
 * in an order where every node comes after the nodes that produce its inputs.
 */
import { InputLayer } from "../layers/input.js";
import type { Layer, LayerNode, SymbolicTensor } from "../layers/layer.js";

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
