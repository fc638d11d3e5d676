/**
 * Layer calls that inference runs as one. A Conv2D takes in the layers that alone read its output,
 * in this order when present:
 * - a BatchNormalization, after a Conv2D without activation: its moving statistics' scale and
 *   shift go into the convolution's kernel and bias (no pass over the activation at all);
 * - a MaxPooling2D: conv2dMaxPool pools the convolution's output while it is in cache instead of
 *   writing it out in full and reading it back (a CNN's first layers' largest tensors).
 */
import { BatchNormalization } from "../layers/batch-normalization.js";
import { Conv2D } from "../layers/conv.js";
import type { CallOptions, LayerNode } from "../layers/layer.js";
import { MaxPooling2D } from "../layers/pooling.js";

export interface ConvFusion {
  /** The calls the convolution's call includes, in order: its result is the last one's output. */
  replaces: LayerNode[];
  /** The convolution's call options that do it (computed at each run: weights may have changed). */
  callOptions(): Pick<CallOptions, "maxPool" | "scaleShift">;
}

/**
 * The Conv2D calls among `nodes` to run with the calls after them, keyed by the convolution's
 * node. `keep`: ids of tensors the run must return (an intermediate among them is not fused away).
 */
export function convFusions(nodes: readonly LayerNode[], keep: ReadonlySet<number>): Map<LayerNode, ConvFusion> {
  const readers = new Map<number, LayerNode[]>();
  for (const node of nodes)
    for (const t of node.inputs) {
      const list = readers.get(t.id);
      if (list) list.push(node);
      else readers.set(t.id, [node]);
    }
  // the one call that reads node's one output, when that output is not kept
  const onlyReader = (node: LayerNode): LayerNode | null => {
    if (node.outputs.length !== 1 || keep.has(node.outputs[0].id)) return null;
    const r = readers.get(node.outputs[0].id);
    return r?.length === 1 && r[0].inputs.length === 1 ? r[0] : null;
  };
  const fusions = new Map<LayerNode, ConvFusion>();
  for (const node of nodes) {
    const conv = node.layer;
    if (!(conv instanceof Conv2D)) continue;
    let last = node;
    let norm: BatchNormalization | null = null;
    let pool: MaxPooling2D | null = null;
    const replaces: LayerNode[] = [];
    const next = onlyReader(last);
    if (next?.layer instanceof BatchNormalization && conv.fusesScaleShift()) {
      norm = next.layer;
      replaces.push(next);
      last = next;
    }
    const after = onlyReader(last);
    if (after?.layer instanceof MaxPooling2D && conv.fusesMaxPool()) {
      pool = after.layer;
      replaces.push(after);
    }
    if (replaces.length === 0) continue;
    fusions.set(node, {
      replaces,
      callOptions: () => ({
        ...(norm ? { scaleShift: norm.inferenceScaleShift() } : {}),
        ...(pool ? { maxPool: { poolSize: pool.poolSize, strides: pool.strides, padding: pool.padding } } : {}),
      }),
    });
  }
  return fusions;
}
