/**
 * ONNX export (opset 17, a dynamic batch dimension): every layer call of a kerno model becomes ONNX
 * nodes, weights become initializers, nested models are inlined, Dropout and the random
 * augmentation layers (the identity at inference) disappear. Written with protos/onnx.proto
 * through protobufjs, atomically. A layer ONNX cannot express here is an error naming it.
 */
import { fileURLToPath } from "node:url";
import { noGrad } from "@kerno/core/autodiff/grad.js";
import type { Variable } from "@kerno/core/autodiff/variable.js";
import type { Layer, LayerNode } from "@kerno/core/layers/layer.js";
import type { SymbolicTensor } from "@kerno/core/layers/symbolic.js";
import { Model } from "@kerno/core/models/model.js";
import { reshape, transpose } from "@kerno/core/ops/shape.js";
import { writeAtomic } from "../util/files.js";
import { protobufLib } from "../util/lazy-modules.js";
import { type OnnxGraphBuilder as Builder, OnnxGraphBuilder, type OnnxValue } from "./onnx-graph.js";
import { recurrentToOnnx } from "./onnx-recurrent.js";

const OPSET = 17;
const IR_VERSION = 8;
const IDENTITY = new Set([
  "Dropout",
  "SpatialDropout1D",
  "SpatialDropout2D",
  "GaussianNoise",
  "GaussianDropout",
  "RandomFlip",
  "RandomRotation",
  "RandomZoom",
  "RandomTranslation",
  "RandomContrast",
  "RandomBrightness",
  "RandomCrop",
]);

/** Keras activations that are one ONNX node of the same name's counterpart (with its attributes). */
const ONE_NODE_ACTIVATIONS: Record<string, [string, Record<string, { float: number }>?]> = {
  relu: ["Relu"],
  sigmoid: ["Sigmoid"],
  tanh: ["Tanh"],
  elu: ["Elu"],
  selu: ["Selu"],
  softplus: ["Softplus"],
  softsign: ["Softsign"],
  exponential: ["Exp"],
  leaky_relu: ["LeakyRelu", { alpha: { float: 0.2 } }],
  hard_sigmoid: ["HardSigmoid", { alpha: { float: 0.2 }, beta: { float: 0.5 } }],
};

/** An activation by Keras name, applied to v. */
export function activation(g: Builder, name: string, v: OnnxValue, who: string): OnnxValue {
  const same = (n: string) => ({ ...v, name: n });
  const one = ONE_NODE_ACTIVATIONS[name];
  if (one) return same(g.op(one[0], [v.name], one[1]));
  switch (name) {
    case "linear":
      return v;
    case "relu6":
      return same(g.op("Clip", [v.name, g.floats("zero", [0], []), g.floats("six", [6], [])]));
    case "swish":
    case "silu":
      return same(g.op("Mul", [v.name, g.op("Sigmoid", [v.name])]));
    case "softmax": {
      const x = g.toNhwc(v);
      return { ...x, name: g.op("Softmax", [x.name], { axis: -1 }) };
    }
    default:
      throw new Error(`ONNX export: ${who}: activation '${name}' cannot be exported`);
  }
}

type Config = Record<string, unknown>;

/** The ONNX nodes of one layer call. */
function layerToOnnx(g: Builder, layer: Layer, inputs: OnnxValue[], outRank: number): OnnxValue {
  const who = `layer '${layer.name}' (${layer.className})`;
  const c = layer.getConfig() as Config;
  const w = layer.weights as Variable[];
  const [x] = inputs;
  const act = (v: OnnxValue) => activation(g, String(c.activation ?? "linear"), v, who);
  const pads = (p: unknown) => (p === "same" ? "SAME_UPPER" : "VALID");
  switch (layer.className) {
    case "Dense": {
      const v = g.toNhwc(x);
      let y = g.op("MatMul", [v.name, g.weight("kernel", w[0])]);
      if (w[1]) y = g.op("Add", [y, g.weight("bias", w[1])]);
      return act({ name: y, rank: v.rank, layout: "nhwc" });
    }
    case "Conv2D":
    case "DepthwiseConv2D": {
      const v = g.toNchw(x);
      const depthwise = layer.className === "DepthwiseConv2D";
      const kernel = depthwise ? depthwiseKernel(g, w[0]) : g.weight("kernel", w[0], [3, 2, 0, 1]);
      const attrs = {
        kernel_shape: c.kernelSize as number[],
        strides: c.strides as number[],
        dilations: (c.dilationRate as number[]) ?? [1, 1],
        auto_pad: pads(c.padding),
        group: depthwise ? w[0].shape[2] : 1,
      };
      const y = g.op("Conv", w[1] ? [v.name, kernel, g.weight("bias", w[1])] : [v.name, kernel], attrs);
      return act({ name: y, rank: 4, layout: "nchw" });
    }
    case "Conv1D":
    case "MaxPooling1D":
    case "AveragePooling1D":
    case "GlobalAveragePooling1D":
    case "GlobalMaxPooling1D":
      return sequenceOp(g, layer.className, c, w, x, act, who);
    case "MaxPooling2D":
    case "AveragePooling2D": {
      const v = g.toNchw(x);
      const attrs = { kernel_shape: c.poolSize as number[], strides: c.strides as number[], auto_pad: pads(c.padding) };
      return { name: g.op(layer.className === "MaxPooling2D" ? "MaxPool" : "AveragePool", [v.name], attrs), rank: 4, layout: "nchw" };
    }
    case "GlobalAveragePooling2D":
    case "GlobalMaxPooling2D": {
      if (c.keepdims) throw new Error(`ONNX export: ${who}: keepdims is not supported`);
      const v = g.toNchw(x);
      const pooled = g.op(layer.className === "GlobalAveragePooling2D" ? "GlobalAveragePool" : "GlobalMaxPool", [v.name]);
      return { name: g.op("Flatten", [pooled], { axis: 1 }), rank: 2, layout: "nhwc" };
    }
    case "BatchNormalization": {
      const axis = Number(c.axis ?? -1);
      if (axis !== -1 && axis !== x.rank - 1) throw new Error(`ONNX export: ${who}: only the last axis (channels) is supported, got axis ${axis}`);
      if (x.rank === 3) throw new Error(`ONNX export: ${who}: batch normalization of sequences [batch, steps, features] is not supported`);
      const v = g.toNchw(x);
      const bn = layer as unknown as { gamma: Variable | null; beta: Variable | null; movingMean: Variable; movingVariance: Variable; epsilon: number };
      const channels = bn.movingMean.shape[0];
      const scale = bn.gamma ? g.weight("gamma", bn.gamma) : g.floats("gamma", new Float32Array(channels).fill(1), [channels]);
      const bias = bn.beta ? g.weight("beta", bn.beta) : g.floats("beta", new Float32Array(channels), [channels]);
      const y = g.op("BatchNormalization", [v.name, scale, bias, g.weight("mean", bn.movingMean), g.weight("variance", bn.movingVariance)], {
        epsilon: { float: bn.epsilon },
      });
      return { name: y, rank: v.rank, layout: v.layout };
    }
    case "Activation":
      return act(x);
    case "ReLU": {
      const max = c.maxValue as number | null;
      return { ...x, name: max === null ? g.op("Relu", [x.name]) : g.op("Clip", [x.name, g.floats("zero", [0], []), g.floats("max", [max], [])]) };
    }
    case "LeakyReLU":
      return { ...x, name: g.op("LeakyRelu", [x.name], { alpha: { float: (layer as unknown as { alpha: number }).alpha } }) };
    case "Softmax":
      return activation(g, "softmax", x, who);
    case "Flatten": {
      const v = g.toNhwc(x);
      return { name: g.op("Flatten", [v.name], { axis: 1 }), rank: 2, layout: "nhwc" };
    }
    case "Reshape": {
      const v = g.toNhwc(x);
      const target = c.targetShape as number[];
      return { name: g.op("Reshape", [v.name, g.int64s("shape", [0, ...target])]), rank: outRank, layout: "nhwc" };
    }
    case "Rescaling": {
      let y = g.op("Mul", [x.name, g.floats("scale", [Number(c.scale)], [])]);
      if (Number(c.offset)) y = g.op("Add", [y, g.floats("offset", [Number(c.offset)], [])]);
      return { ...x, name: y };
    }
    case "ZeroPadding2D": {
      const v = g.toNchw(x);
      const [[t, b], [l, r]] = c.padding as [[number, number], [number, number]];
      return { name: g.op("Pad", [v.name, g.int64s("pads", [0, 0, t, l, 0, 0, b, r])]), rank: 4, layout: "nchw" };
    }
    case "Add":
    case "Multiply":
    case "Subtract":
    case "Average":
    case "Maximum":
    case "Minimum": {
      const vs = inputs.map((i) => (x.layout === "nchw" ? g.toNchw(i) : g.toNhwc(i)));
      const op = { Add: "Sum", Multiply: "Mul", Subtract: "Sub", Average: "Mean", Maximum: "Max", Minimum: "Min" }[layer.className] as string;
      const y =
        op === "Mul" || op === "Sub"
          ? vs.slice(1).reduce((acc, v) => g.op(op, [acc, v.name]), vs[0].name)
          : g.op(
              op,
              vs.map((v) => v.name),
            );
      return { name: y, rank: x.rank, layout: vs[0].layout };
    }
    case "Concatenate": {
      const axis = Number(c.axis ?? -1) < 0 ? x.rank + Number(c.axis ?? -1) : Number(c.axis);
      // channels of NCHW values join on axis 1 without going back to NHWC
      const nchw = x.rank === 4 && axis === 3 && inputs.every((i) => i.layout === "nchw");
      const vs = inputs.map((i) => (nchw ? i : g.toNhwc(i)));
      return {
        name: g.op(
          "Concat",
          vs.map((v) => v.name),
          { axis: nchw ? 1 : axis },
        ),
        rank: x.rank,
        layout: nchw ? "nchw" : "nhwc",
      };
    }
    case "SimpleRNN":
    case "LSTM":
    case "GRU":
    case "Bidirectional":
      return recurrentToOnnx(g, layer, g.toNhwc(x), who);
    default:
      throw new Error(`ONNX export: ${who} cannot be exported to ONNX`);
  }
}

/** Conv1D and 1-D pooling on [batch, steps, channels]: ONNX's [batch, channels, steps] inside. */
function sequenceOp(g: Builder, kind: string, c: Config, w: Variable[], x: OnnxValue, act: (v: OnnxValue) => OnnxValue, who: string): OnnxValue {
  if (c.keepdims) throw new Error(`ONNX export: ${who}: keepdims is not supported`);
  const channelsFirst = g.op("Transpose", [x.name], { perm: [0, 2, 1] }, "to_ncw");
  const back = (y: string): OnnxValue => ({ name: g.op("Transpose", [y], { perm: [0, 2, 1] }, "to_nwc"), rank: 3, layout: "nhwc" });
  const auto_pad = c.padding === "same" ? "SAME_UPPER" : "VALID";
  if (kind === "Conv1D") {
    const attrs = { kernel_shape: [Number(c.kernelSize)], strides: [Number(c.strides)], dilations: [Number(c.dilationRate ?? 1)], auto_pad };
    const kernel = g.weight("kernel", w[0], [2, 1, 0]);
    return act(back(g.op("Conv", w[1] ? [channelsFirst, kernel, g.weight("bias", w[1])] : [channelsFirst, kernel], attrs)));
  }
  if (kind === "MaxPooling1D" || kind === "AveragePooling1D") {
    const attrs = { kernel_shape: [Number(c.poolSize)], strides: [Number(c.strides)], auto_pad };
    return back(g.op(kind === "MaxPooling1D" ? "MaxPool" : "AveragePool", [channelsFirst], attrs));
  }
  const pooled = g.op(kind === "GlobalAveragePooling1D" ? "GlobalAveragePool" : "GlobalMaxPool", [channelsFirst]);
  return { name: g.op("Flatten", [pooled], { axis: 1 }), rank: 2, layout: "nhwc" };
}

/** Keras's depthwise kernel [kh, kw, in, multiplier] as ONNX's grouped weights [in * multiplier, 1, kh, kw]. */
function depthwiseKernel(g: Builder, v: Variable): string {
  const [kh, kw, cin, m] = v.shape;
  const grouped = noGrad(() => reshape(transpose(v, [2, 3, 0, 1]), [cin * m, 1, kh, kw]));
  return g.floats("depthwise", grouped.floats(), [...grouped.shape]);
}

/** Emits the nodes of `model`'s graph given ONNX values for its inputs; returns values for its outputs. */
function emitModel(g: Builder, model: Model, inputs: OnnxValue[]): OnnxValue[] {
  const values = new Map<number, OnnxValue>();
  model.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
  const get = (t: SymbolicTensor) => {
    const v = values.get(t.id);
    if (!v) throw new Error(`ONNX export: '${t.name}' has no value (a graph kerno cannot export)`);
    return v;
  };
  for (const node of model.nodes as LayerNode[]) {
    const layer = node.layer;
    if (layer.className === "InputLayer") continue;
    const ins = node.inputs.map(get);
    let outs: OnnxValue[];
    if (layer instanceof Model) outs = emitModel(g, layer, ins);
    else if (IDENTITY.has(layer.className)) outs = [ins[0]];
    else outs = [layerToOnnx(g, layer, ins, node.outputs[0].shape.length)];
    node.outputs.forEach((t, i) => values.set(t.id, outs[i]));
  }
  return model.outputs.map(get);
}

const dims = (shape: readonly (number | null)[]) => ({ dim: shape.map((d, i) => (d === null ? { dimParam: i === 0 ? "batch" : `d${i}` } : { dimValue: d })) });
const valueInfo = (name: string, shape: readonly (number | null)[]) => ({ name, type: { tensorType: { elemType: 1, shape: dims(shape) } } });

/** The model as ONNX bytes (opset 17, dynamic batch). */
export function toOnnx(model: Model): Uint8Array {
  const g = new OnnxGraphBuilder();
  const inputs = model.inputs.map((t) => ({ name: t.node.layer.name, rank: t.shape.length, layout: "nhwc" as const }));
  const outputs = emitModel(g, model, inputs).map((v, i) => {
    const final = g.toNhwc(v);
    g.nodes.push({ opType: "Identity", name: `output_${i}`, input: [final.name], output: [model.outputNames[i]], attribute: [] });
    return model.outputNames[i];
  });
  const root = protobufLib().loadSync(fileURLToPath(new URL("../../protos/onnx.proto", import.meta.url)));
  const ModelProto = root.lookupType("onnx.ModelProto");
  const message = ModelProto.fromObject({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "kerno",
    graph: {
      name: model.name,
      node: g.nodes,
      initializer: g.initializers,
      input: model.inputs.map((t, i) => valueInfo(inputs[i].name, t.shape)),
      output: model.outputs.map((t, i) => valueInfo(outputs[i], t.shape)),
    },
  });
  return ModelProto.encode(message).finish();
}

/** Writes the model as ONNX to `path` (a temporary file renamed into place). */
export function exportOnnx(model: Model, path: string): string {
  writeAtomic(path, Buffer.from(toOnnx(model)));
  return path;
}
