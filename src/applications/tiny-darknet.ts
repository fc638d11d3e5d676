/**
 * Tiny Darknet (J. Redmon), an ImageNet classifier of 1,046,488 parameters, from ml5's TensorFlow.js
 * conversion in the data cache (imagenet-pretrained/tiny_darknet_tfjs). Its 1,000 outputs are
 * logits in Darknet's class order; darknetToKeras maps them to Keras's ImageNet indices. Inputs
 * are RGB 224x224 scaled to [0, 1] (preprocessInput); its reference predictions were made on
 * Pillow-resized photos (loadImage's resample "pillow-bilinear" gives the same pixels).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SymbolicTensor } from "@kerno/core/layers/layer.js";
import { Model } from "@kerno/core/models/model.js";
import { dataDir } from "@kerno/node/data/cache.js";
import { loadTfjsModel } from "@kerno/node/interop/tfjs.js";
import { preprocessFor } from "./imagenet.js";

export const TINY_DARKNET_DIR = "imagenet-pretrained/tiny_darknet_tfjs";

export interface TinyDarknetOptions {
  /** Keep the classifier (conv2d_16 and the pooling); default true. */
  includeTop?: boolean;
  /** Without the top: the layer whose output is the feature map (default leaky_re_lu_15, 14x14x128). */
  featureLayer?: string;
  /** The model.json to load (default: the data cache's copy). */
  path?: string;
}

/** The pretrained Tiny Darknet; without its top, a frozen-base-ready feature extractor. */
export async function TinyDarknet(options: TinyDarknetOptions = {}): Promise<Model> {
  const path = options.path ?? join(dataDir(), TINY_DARKNET_DIR, "model.json");
  const model = loadTfjsModel(path);
  model.name = "tiny_darknet";
  if (options.includeTop ?? true) return model;
  const feature = model.getLayer(options.featureLayer ?? "leaky_re_lu_15").output as SymbolicTensor;
  return new Model({ inputs: model.inputs, outputs: feature, name: "tiny_darknet" });
}

/** Scaled to [0, 1]. */
export const preprocessInput = preprocessFor("unit");

/** Darknet output index -> Keras ImageNet index (from labels/darknet_to_keras_index.json). */
export function darknetToKeras(): Int32Array {
  const rows = JSON.parse(readFileSync(join(dataDir(), "imagenet-pretrained/labels/darknet_to_keras_index.json"), "utf8")) as unknown;
  const list = Array.isArray(rows) ? rows : Object.values(rows as Record<string, unknown>);
  return Int32Array.from(list as { keras_index: number }[], (r) => r.keras_index);
}
