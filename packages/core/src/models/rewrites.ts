/**
 * Graph rewrites: runs of layer calls that the graph runner replaces with one fused op, which
 * records its own gradient node (src/ops/conv-pool.ts) or needs none (inference). Layers, tensors
 * and autodiff know nothing of them. A Conv2D whose activation goes wholly into its kernel takes
 * in the calls that alone read its output, in this order when present:
 * - inference only: a BatchNormalization, after a Conv2D without activation: its moving
 *   statistics' scale and shift go into the convolution's kernel and bias (no pass over the
 *   activation at all);
 * - a MaxPooling2D: conv2dMaxPool. At inference one kernel pools the convolution's output while it
 *   is in cache (a CNN's first layers' largest tensors); in training its gradient goes back
 *   through the pool and the relu in one pass instead of two over the convolution's output.
 * A Rescaling without offset that alone feeds such a Conv2D goes into its kernel, in training
 * too: conv(x * s, w) = conv(x, w * s), so the batch-sized rescaled copy (cats-vs-dogs: 12 MB a
 * step, which a training step could not give back to the pool) is never made, and the kernel's
 * gradient flows back through the product.
 */

import { splitActivation } from "../layers/activation-names.js";
import { BatchNormalization } from "../layers/batch-normalization.js";
import { Conv2D } from "../layers/conv.js";
import type { LayerNode } from "../layers/layer.js";
import { MaxPooling2D } from "../layers/pooling.js";
import { Rescaling } from "../layers/rescaling.js";
import { add, mul } from "../ops/arithmetic.js";
import { cast } from "../ops/compare.js";
import { conv2d } from "../ops/conv.js";
import { conv2dMaxPool } from "../ops/conv-pool.js";
import type { Tensor } from "../tensor/tensor.js";

export interface Rewrite {
  /** The calls after the first that the rewrite includes, in order: its result is the last one's output. */
  replaces: LayerNode[];
  /** The fused op on the first call's input (reading the layers' weights at each run: they change). */
  run(x: Tensor): Tensor;
}

/**
 * The rewrites among `nodes`, keyed by the first call they replace. `keep`: ids of tensors the
 * run must return (an intermediate among them is not fused away); `training`: the run trains
 * (batch normalization then uses batch statistics and stays a call of its own).
 */
export function graphRewrites(nodes: readonly LayerNode[], keep: ReadonlySet<number>, training: boolean): Map<LayerNode, Rewrite> {
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
  const producer = new Map<number, LayerNode>();
  for (const node of nodes) for (const t of node.outputs) producer.set(t.id, node);
  // the Rescaling without offset whose output only `conv` reads
  const rescalingBefore = (conv: LayerNode): Rescaling | null => {
    const before = producer.get(conv.inputs[0].id);
    const layer = before?.layer;
    return layer?.constructor === Rescaling && (layer as Rescaling).offset === 0 && before!.inputs.length === 1 && onlyReader(before!) === conv
      ? (layer as Rescaling)
      : null;
  };
  const rewrites = new Map<LayerNode, Rewrite>();
  for (const node of nodes) {
    const conv = node.layer as Conv2D;
    // the exact classes: a subclass may override call, which a rewrite would skip
    if (conv.constructor !== Conv2D || !conv.built || node.inputs.length !== 1) continue;
    const { fused, after } = splitActivation(conv.activation);
    if (after !== "linear") continue;
    let last = node;
    const next = onlyReader(last);
    const norm = !training && conv.activation === "linear" && next?.layer.constructor === BatchNormalization ? next : null;
    if (norm) last = norm;
    const poolNode = onlyReader(last);
    const pool = poolNode?.layer.constructor === MaxPooling2D ? (poolNode.layer as MaxPooling2D) : null;
    // a convolution whose own output the run returns may be asked for its logits (before the
    // activation), which the rewrite does not give: it takes a Rescaling only with more after it
    const rescaling = norm || pool || !keep.has(node.outputs[0].id) ? rescalingBefore(node) : null;
    const replaces = [rescaling ? node : null, norm, pool ? poolNode : null].filter((n): n is LayerNode => n !== null);
    if (replaces.length === 0) continue;
    const bn = norm?.layer as BatchNormalization | undefined;
    rewrites.set(rescaling ? producer.get(node.inputs[0].id)! : node, {
      replaces,
      run: (input) =>
        conv.named(() => {
          const x = input.dtype === "float32" ? input : cast(input, "float32");
          const options = conv.conv2dOptions(fused);
          let kernel: Tensor = rescaling ? mul(conv.kernel, rescaling.scale) : conv.kernel;
          if (bn) {
            // (x * w + b) * scale + shift = x * (w * scale) + (b * scale + shift), scale along the out-channels
            const { scale, shift } = bn.inferenceScaleShift();
            kernel = mul(kernel, scale);
            options.bias = options.bias ? add(mul(options.bias, scale), shift) : shift;
          }
          return pool
            ? conv2dMaxPool(x, kernel, options, { poolSize: pool.poolSize, strides: pool.strides, padding: pool.padding })
            : conv2d(x, kernel, options);
        }),
    });
  }
  return rewrites;
}
