/** VGG16 and VGG19 (Simonyan and Zisserman, 2014) with Keras's layer names, order and weights. */
import { Conv2D } from "@kerno/core/layers/conv.js";
import { Dense } from "@kerno/core/layers/dense.js";
import type { SymbolicTensor } from "@kerno/core/layers/layer.js";
import { MaxPooling2D } from "@kerno/core/layers/pooling.js";
import { Flatten } from "@kerno/core/layers/reshaping.js";
import type { Model } from "@kerno/core/models/model.js";
import { type ApplicationOptions, finish, input, loadApplicationWeights, preprocessFor, resolveInput, type WeightFiles } from "./imagenet.js";

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/";

/** Conv layers per block: VGG16 2, 2, 3, 3, 3; VGG19 2, 2, 4, 4, 4. */
function vgg(depths: number[], options: ApplicationOptions, name: string): Model {
  const shape = resolveInput(options, name.toUpperCase());
  const inputs = input(shape);
  let x: SymbolicTensor = inputs;
  [64, 128, 256, 512, 512].forEach((filters, b) => {
    for (let i = 1; i <= depths[b]; i++) {
      x = new Conv2D({ filters, kernelSize: 3, activation: "relu", padding: "same", name: `block${b + 1}_conv${i}` }).apply(x);
    }
    x = new MaxPooling2D({ poolSize: 2, strides: 2, name: `block${b + 1}_pool` }).apply(x);
  });
  if (options.includeTop ?? true) {
    x = new Flatten({ name: "flatten" }).apply(x);
    x = new Dense({ units: 4096, activation: "relu", name: "fc1" }).apply(x);
    x = new Dense({ units: 4096, activation: "relu", name: "fc2" }).apply(x);
  }
  return finish(x, inputs, options, name);
}

const VGG16_WEIGHTS: WeightFiles = {
  base: `${BASE}vgg16/`,
  top: { file: "vgg16_weights_tf_dim_ordering_tf_kernels.h5", md5: "64373286793e3c8b2b4e3219cbf3544b" },
  notop: { file: "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", md5: "6d6bbae143d832006294945121d1f1fc" },
};
const VGG19_WEIGHTS: WeightFiles = {
  base: `${BASE}vgg19/`,
  top: { file: "vgg19_weights_tf_dim_ordering_tf_kernels.h5", md5: "cbe5617147190e668d6c5d5026f83318" },
  notop: { file: "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", md5: "253f8cb515780f3b799900260a226db6" },
};

/** VGG16: 138,357,544 parameters with the top, 14,714,688 without. */
export async function VGG16(options: ApplicationOptions = {}): Promise<Model> {
  return loadApplicationWeights(vgg([2, 2, 3, 3, 3], options, "vgg16"), options, VGG16_WEIGHTS);
}

/** VGG19: 143,667,240 parameters with the top, 20,024,384 without. */
export async function VGG19(options: ApplicationOptions = {}): Promise<Model> {
  return loadApplicationWeights(vgg([2, 2, 4, 4, 4], options, "vgg19"), options, VGG19_WEIGHTS);
}

/** Caffe-style: RGB to BGR and minus the ImageNet means (pixels 0..255 in). */
export const preprocessInput = preprocessFor("caffe");
