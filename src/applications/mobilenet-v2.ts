/** MobileNetV2 (Sandler et al., 2018), width 1.0, with Keras's layer names, order and weights. */

import { ReLU } from "@kerno/core/layers/activation-layers.js";
import { BatchNormalization } from "@kerno/core/layers/batch-normalization.js";
import { Conv2D } from "@kerno/core/layers/conv.js";
import { DepthwiseConv2D } from "@kerno/core/layers/depthwise-conv.js";
import type { SymbolicTensor } from "@kerno/core/layers/layer.js";
import { Add } from "@kerno/core/layers/merge.js";
import { ZeroPadding2D } from "@kerno/core/layers/padding.js";
import { GlobalAveragePooling2D } from "@kerno/core/layers/pooling.js";
import type { Model } from "@kerno/core/models/model.js";
import { type ApplicationOptions, finish, input, loadApplicationWeights, preprocessFor, resolveInput } from "./imagenet.js";

const bn = (name: string) => new BatchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.999, name });
const relu6 = (name: string) => new ReLU({ maxValue: 6, name });

/** The padding Keras's correct_pad gives a stride-2 3x3 convolution: one less before on even sizes. */
function correctPad(x: SymbolicTensor): [[number, number], [number, number]] {
  const [, h, w] = x.shape;
  const adjust = [h === null ? 1 : 1 - (h % 2), w === null ? 1 : 1 - (w % 2)];
  return [
    [1 - adjust[0], 1],
    [1 - adjust[1], 1],
  ];
}

/** Expand (1x1), depthwise 3x3, project (1x1), and a residual connection when shapes allow. */
function invertedResidual(inputs: SymbolicTensor, expansion: number, stride: number, filters: number, id: number): SymbolicTensor {
  const inChannels = inputs.shape[3] as number;
  let x = inputs;
  const prefix = id ? `block_${id}_` : "expanded_conv_";
  if (id) {
    x = new Conv2D({ filters: expansion * inChannels, kernelSize: 1, padding: "same", useBias: false, name: `${prefix}expand` }).apply(x);
    x = bn(`${prefix}expand_BN`).apply(x);
    x = relu6(`${prefix}expand_relu`).apply(x);
  }
  if (stride === 2) x = new ZeroPadding2D({ padding: correctPad(x), name: `${prefix}pad` }).apply(x);
  x = new DepthwiseConv2D({ kernelSize: 3, strides: stride, useBias: false, padding: stride === 1 ? "same" : "valid", name: `${prefix}depthwise` }).apply(x);
  x = bn(`${prefix}depthwise_BN`).apply(x);
  x = relu6(`${prefix}depthwise_relu`).apply(x);
  x = new Conv2D({ filters, kernelSize: 1, padding: "same", useBias: false, name: `${prefix}project` }).apply(x);
  x = bn(`${prefix}project_BN`).apply(x);
  if (inChannels === filters && stride === 1) return new Add({ name: `${prefix}add` }).apply([inputs, x]) as SymbolicTensor;
  return x;
}

/** [filters, stride, expansion] of blocks 0..16. */
const BLOCKS: [number, number, number][] = [
  [16, 1, 1],
  [24, 2, 6],
  [24, 1, 6],
  [32, 2, 6],
  [32, 1, 6],
  [32, 1, 6],
  [64, 2, 6],
  [64, 1, 6],
  [64, 1, 6],
  [64, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [160, 2, 6],
  [160, 1, 6],
  [160, 1, 6],
  [320, 1, 6],
];

/** MobileNetV2 (alpha 1.0): 3,538,984 parameters with the top, 2,257,984 without. */
export async function MobileNetV2(options: ApplicationOptions = {}): Promise<Model> {
  const shape = resolveInput(options, "MobileNetV2");
  const inputs = input(shape);
  let x = new Conv2D({ filters: 32, kernelSize: 3, strides: 2, padding: "same", useBias: false, name: "Conv1" }).apply(inputs);
  x = bn("bn_Conv1").apply(x);
  x = relu6("Conv1_relu").apply(x);
  BLOCKS.forEach(([filters, stride, expansion], id) => {
    x = invertedResidual(x, expansion, stride, filters, id);
  });
  x = new Conv2D({ filters: 1280, kernelSize: 1, useBias: false, name: "Conv_1" }).apply(x);
  x = bn("Conv_1_bn").apply(x);
  x = relu6("out_relu").apply(x);
  if (options.includeTop ?? true) x = new GlobalAveragePooling2D().apply(x);
  const model = finish(x, inputs, options, `mobilenetv2_1.00_${shape[0]}`);
  const size = [96, 128, 160, 192, 224].includes(shape[0]) ? shape[0] : 224;
  return loadApplicationWeights(model, options, {
    base: "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/",
    top: { file: `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_${size}.h5`, md5: null },
    notop: { file: `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_${size}_no_top.h5`, md5: null },
  });
}

/** Scaled to [-1, 1]. */
export const preprocessInput = preprocessFor("tf");
