/** Images from files as a model's input: MNIST-style digits for 28x28 grayscale models, else photos resized to the input. */

import type { PreprocessMode } from "@kerno/core/layers/preprocess-input.js";
import type { Model } from "@kerno/core/models/model.js";
import { mul } from "@kerno/core/ops/arithmetic.js";
import { reshape, stack } from "@kerno/core/ops/shape.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { loadDigit, loadImage } from "@kerno/node/data/images.js";
import type { Flags } from "./args.js";

/** Whether the model scales pixels 0..255 itself (a Rescaling or PreprocessInput layer before any weights). */
export function rescalesInside(model: Model): boolean {
  for (const layer of model.layers) {
    if (layer.className === "Rescaling" || layer.className === "PreprocessInput") return true;
    if (layer.weights.length > 0) return false;
  }
  return false;
}

/** Whether the model takes MNIST digits: 28x28 grayscale, pixels / 255 (not a photo model that rescales inside). */
export function isDigitModel(model: Model): boolean {
  const [h, w, c = 1] = model.inputs[0].shape.slice(1) as number[];
  return h === 28 && w === 28 && c === 1 && !rescalesInside(model);
}

/**
 * The largest input value the model expects: --input-scale, else 1 for digit models (MNIST
 * pixels / 255) and Tiny Darknet, else 255 (photo models rescale inside, as the course's do).
 */
export function inputScale(model: Model, flags: Flags): 1 | 255 {
  if (flags["input-scale"] !== undefined) {
    const v = Number(flags["input-scale"]);
    if (v !== 1 && v !== 255) throw new Error(`--input-scale must be 1 or 255, got ${String(flags["input-scale"])}`);
    return v;
  }
  return isDigitModel(model) || model.name === "tiny_darknet" ? 1 : 255;
}

/**
 * The preprocessing an ImageNet family's weights were trained with (Keras's preprocess_input), told
 * by the name its builder gives the model, or null: the CLI applies it to photos, as Keras users do.
 */
export function familyPreprocess(model: Model): PreprocessMode | null {
  if (/^(vgg16|vgg19|resnet50)$/.test(model.name)) return "caffe";
  if (/^mobilenetv2_/.test(model.name)) return "tf";
  return null;
}

/** The images at `paths` as one batch [n, h, w, c] for the model, values 0..scale. */
export async function inputImages(model: Model, paths: string[], scale: 1 | 255): Promise<Tensor> {
  const wanted = model.inputs[0].shape.slice(1) as number[];
  const [h, w, c = 1] = wanted;
  if (isDigitModel(model)) {
    const digits = reshape(stack(await Promise.all(paths.map((p) => loadDigit(p))), 0), [paths.length, ...wanted]);
    return scale === 1 ? digits : mul(digits, 255);
  }
  if (c !== 1 && c !== 3) throw new Error(`the model takes [${wanted.join(", ")}] inputs, not images`);
  const photos = stack(await Promise.all(paths.map((p) => loadImage(p, { size: [h, w], channels: c, fit: "fill" }))), 0);
  return scale === 255 ? photos : mul(photos, 1 / 255);
}
