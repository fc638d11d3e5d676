/** ResNet50 (He et al., 2015) with Keras's layer names, order and weights. */
import { Activation } from "@kerno/core/layers/activation-layers.js";
import { BatchNormalization } from "@kerno/core/layers/batch-normalization.js";
import { Conv2D } from "@kerno/core/layers/conv.js";
import type { SymbolicTensor } from "@kerno/core/layers/layer.js";
import { Add } from "@kerno/core/layers/merge.js";
import { ZeroPadding2D } from "@kerno/core/layers/padding.js";
import { GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from "@kerno/core/layers/pooling.js";
import type { Model } from "@kerno/core/models/model.js";
import { type ApplicationOptions, finish, input, loadApplicationWeights, preprocessFor, resolveInput } from "./imagenet.js";

const bn = (name: string) => new BatchNormalization({ axis: 3, epsilon: 1.001e-5, name });

/** A bottleneck block: 1x1, 3x3, 1x1 convolutions plus a shortcut (a 1x1 convolution when shapes change). */
function block(x: SymbolicTensor, filters: number, stride: number, convShortcut: boolean, name: string): SymbolicTensor {
  let shortcut = x;
  if (convShortcut) {
    shortcut = new Conv2D({ filters: 4 * filters, kernelSize: 1, strides: stride, name: `${name}_0_conv` }).apply(x);
    shortcut = bn(`${name}_0_bn`).apply(shortcut);
  }
  let y = new Conv2D({ filters, kernelSize: 1, strides: stride, name: `${name}_1_conv` }).apply(x);
  y = bn(`${name}_1_bn`).apply(y);
  y = new Activation({ activation: "relu", name: `${name}_1_relu` }).apply(y);
  y = new Conv2D({ filters, kernelSize: 3, padding: "same", name: `${name}_2_conv` }).apply(y);
  y = bn(`${name}_2_bn`).apply(y);
  y = new Activation({ activation: "relu", name: `${name}_2_relu` }).apply(y);
  y = new Conv2D({ filters: 4 * filters, kernelSize: 1, name: `${name}_3_conv` }).apply(y);
  y = bn(`${name}_3_bn`).apply(y);
  y = new Add({ name: `${name}_add` }).apply([shortcut, y]) as SymbolicTensor;
  return new Activation({ activation: "relu", name: `${name}_out` }).apply(y);
}

function stack(x: SymbolicTensor, filters: number, blocks: number, stride: number, name: string): SymbolicTensor {
  let y = block(x, filters, stride, true, `${name}_block1`);
  for (let i = 2; i <= blocks; i++) y = block(y, filters, 1, false, `${name}_block${i}`);
  return y;
}

/** ResNet50: 25,636,712 parameters with the top, 23,587,712 without. */
export async function ResNet50(options: ApplicationOptions = {}): Promise<Model> {
  const inputs = input(resolveInput(options, "ResNet50"));
  let x = new ZeroPadding2D({ padding: 3, name: "conv1_pad" }).apply(inputs);
  x = new Conv2D({ filters: 64, kernelSize: 7, strides: 2, name: "conv1_conv" }).apply(x);
  x = bn("conv1_bn").apply(x);
  x = new Activation({ activation: "relu", name: "conv1_relu" }).apply(x);
  x = new ZeroPadding2D({ padding: 1, name: "pool1_pad" }).apply(x);
  x = new MaxPooling2D({ poolSize: 3, strides: 2, name: "pool1_pool" }).apply(x);
  x = stack(x, 64, 3, 1, "conv2");
  x = stack(x, 128, 4, 2, "conv3");
  x = stack(x, 256, 6, 2, "conv4");
  x = stack(x, 512, 3, 2, "conv5");
  if (options.includeTop ?? true) x = new GlobalAveragePooling2D({ name: "avg_pool" }).apply(x);
  else if (options.pooling === "avg") x = new GlobalAveragePooling2D({ name: "avg_pool" }).apply(x);
  else if (options.pooling === "max") x = new GlobalMaxPooling2D({ name: "max_pool" }).apply(x);
  const model = finish(x, inputs, { ...options, pooling: null }, "resnet50");
  return loadApplicationWeights(model, options, {
    base: "https://storage.googleapis.com/tensorflow/keras-applications/resnet/",
    top: { file: "resnet50_weights_tf_dim_ordering_tf_kernels.h5", md5: "2cb95161c43110f7111970584f804107" },
    notop: { file: "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", md5: "4d473c1dd8becc155b73f8504c6f6626" },
  });
}

/** Caffe-style, as VGG: RGB to BGR and minus the ImageNet means. */
export const preprocessInput = preprocessFor("caffe");
