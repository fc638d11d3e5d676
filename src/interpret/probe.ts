/**
 * Reaching inside a model: a layer's output as a function of the input (at any image size the
 * layers before it accept, as convolutions do), the model's output with a layer's output
 * supplied (so gradients can be taken with respect to it), and class scores.
 */
import type { Layer, SymbolicTensor } from "@kerno/core/layers/layer.js";
import { buildGraph, runGraph } from "@kerno/core/models/graph.js";
import type { Model } from "@kerno/core/models/model.js";
import { slice } from "@kerno/core/ops/shape.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";

export interface Probe {
  layer: Layer;
  /** The layer's output for a batch of inputs [n, h, w, c]. */
  run(x: Tensor): Tensor;
  /** The model's (first) output for inputs x, with the layer's output replaced by `activation` (logits: before its softmax or sigmoid). */
  finish(x: Tensor, activation: Tensor, logits?: boolean): Tensor;
}

/** The layer's single output tensor, named in errors. */
function outputOf(model: Model, layerName: string, who: string): { layer: Layer; out: SymbolicTensor } {
  const layer = model.getLayer(layerName);
  const out = layer.output;
  if (Array.isArray(out)) throw new RangeError(`${who}: layer '${layerName}' has ${out.length} outputs; pick a layer with one`);
  return { layer, out };
}

/** A probe at `layerName` (a layer of `model` itself; to look inside a nested model, pass that model). */
export function probe(model: Model, layerName: string, who = "probe"): Probe {
  if (model.inputs.length !== 1) throw new RangeError(`${who}: expects a model with one input, '${model.name}' has ${model.inputs.length}`);
  const { layer, out } = outputOf(model, layerName, who);
  const toLayer = buildGraph(model.inputs, [out], who);
  const whole = buildGraph(model.inputs, [model.outputs[0]], who);
  return {
    layer,
    run: (x) => runGraph(toLayer, model.inputs, [out], [x], { training: false }).outputs[0],
    finish: (x, activation, logits = false) =>
      runGraph(whole, model.inputs, [model.outputs[0]], [x], { training: false }, [logits], new Map([[out.id, activation]])).outputs[0],
  };
}

/** The model's (first) output on x, any input size its layers accept. */
export function forward(model: Model, x: Tensor): Tensor {
  const graph = buildGraph(model.inputs, [model.outputs[0]], "forward");
  return runGraph(graph, model.inputs, [model.outputs[0]], [x], { training: false }).outputs[0];
}

/** Channel `filter` of a layer output [n, ..., channels], checked against the layer's channel count. */
export function channel(activation: Tensor, filter: number, who: string, layerName: string): Tensor {
  const channels = activation.shape[activation.rank - 1];
  if (!Number.isInteger(filter) || filter < 0 || filter >= channels)
    throw new RangeError(`${who}: layer '${layerName}' has ${channels} filters (0..${channels - 1}), got filter ${filter}`);
  const begin = activation.shape.map((_, i) => (i === activation.rank - 1 ? filter : 0));
  const size = activation.shape.map((d, i) => (i === activation.rank - 1 ? 1 : d));
  return slice(activation, begin, size);
}

/** The model's expected sample shape [h, w, c], and a check that an image fits it. */
export function inputShape(model: Model): (number | null)[] {
  return model.inputs[0].shape.slice(1);
}

export function checkImage(model: Model, image: Tensor, who: string): void {
  const want = inputShape(model);
  const got = image.rank === want.length + 1 ? image.shape.slice(1) : image.shape;
  const ok = got.length === want.length && want.every((d, i) => d === null || d === got[i]);
  if (!ok) throw new RangeError(`${who}: the model takes images of shape [${want.map((d) => d ?? "any").join(", ")}], got [${image.shape.join(", ")}]`);
}
