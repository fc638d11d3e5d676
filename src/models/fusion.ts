/**
 * Layer calls that inference runs as one kernel. A Conv2D whose output only a MaxPooling2D reads
 * runs as conv2dMaxPool: the convolution's output, the largest tensor of a CNN's first layers, is
 * pooled while in cache instead of being written out in full and read back.
 */
import { Conv2D } from "../layers/conv.js";
import type { LayerNode } from "../layers/layer.js";
import { MaxPooling2D } from "../layers/pooling.js";
import type { Pool2dOptions } from "../ops/pool.js";

export interface PoolFusion {
  /** The pool's call, which the convolution's call replaces. */
  pool: LayerNode;
  options: Pool2dOptions;
}

/**
 * The Conv2D calls among `nodes` to run with their pool, keyed by the convolution's node. `keep`:
 * ids of tensors the run must return (a convolution's output among them is not fused away).
 */
export function poolFusions(nodes: readonly LayerNode[], keep: ReadonlySet<number>): Map<LayerNode, PoolFusion> {
  const readers = new Map<number, LayerNode[]>();
  for (const node of nodes) for (const t of node.inputs) readers.set(t.id, [...(readers.get(t.id) ?? []), node]);
  const fusions = new Map<LayerNode, PoolFusion>();
  for (const node of nodes) {
    const conv = node.layer;
    if (!(conv instanceof Conv2D) || !conv.fusesMaxPool() || node.outputs.length !== 1) continue;
    const out = node.outputs[0];
    const only = readers.get(out.id);
    if (keep.has(out.id) || only?.length !== 1) continue;
    const pool = only[0];
    if (!(pool.layer instanceof MaxPooling2D) || pool.inputs.length !== 1) continue;
    const { poolSize, strides, padding } = pool.layer;
    fusions.set(node, { pool, options: { poolSize, strides, padding } });
  }
  return fusions;
}
