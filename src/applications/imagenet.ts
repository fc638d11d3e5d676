/**
 * What the ImageNet applications share: each family's preprocessInput (as a function on tensors and
 * as a layer in the functional API), decodePredictions with Keras's class index, and the
 * options and weights handling of the builders.
 */

import { readFileSync } from "node:fs";
import { Dense } from "@kerno/core/layers/dense.js";
import { Input } from "@kerno/core/layers/input.js";
import type { SymbolicTensor } from "@kerno/core/layers/layer.js";
import { GlobalAveragePooling2D, GlobalMaxPooling2D } from "@kerno/core/layers/pooling.js";
import { PreprocessInput, type PreprocessMode, preprocess } from "@kerno/core/layers/preprocess-input.js";
import { Model } from "@kerno/core/models/model.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { cachedPath } from "@kerno/node/data/cache.js";
import { loadKerasWeights } from "@kerno/node/interop/h5.js";

export interface ApplicationOptions {
  includeTop?: boolean;
  /** "imagenet" (Keras's default: downloaded into the data cache), null for random weights, or a Keras .h5 / .weights.h5 file. */
  weights?: "imagenet" | null | string;
  /** One sample's shape, e.g. [224, 224, 3] (required other than 224x224 when includeTop). */
  inputShape?: number[];
  /** Without the top: "avg" or "max" pools the last feature map to a vector. */
  pooling?: "avg" | "max" | null;
  classes?: number;
  classifierActivation?: string | null;
  name?: string;
  /** false: ImageNet weights missing from the data cache are a NotCachedError, not a download (default true). */
  download?: boolean;
}

/** Where Keras publishes a family's ImageNet weights, and their md5 (null where Keras has none). */
export interface WeightFiles {
  top: { file: string; md5: string | null };
  notop: { file: string; md5: string | null };
  base: string;
}

/** Checks the options against the family's rules and returns the input shape. */
export function resolveInput(options: ApplicationOptions, who: string, minSize = 32): number[] {
  const includeTop = options.includeTop ?? true;
  const weights = options.weights === undefined ? "imagenet" : options.weights;
  if (weights === "imagenet" && includeTop && (options.classes ?? 1000) !== 1000) {
    throw new RangeError(`${who}: with weights 'imagenet' and includeTop, classes must be 1000 (got ${options.classes})`);
  }
  const shape = options.inputShape ?? [224, 224, 3];
  if (shape.length !== 3 || shape[2] !== 3 || shape[0] < minSize || shape[1] < minSize) {
    throw new RangeError(`${who}: inputShape must be [height, width, 3] with height and width at least ${minSize}, got [${shape.join(", ")}]`);
  }
  if (includeTop && weights === "imagenet" && (shape[0] !== 224 || shape[1] !== 224)) {
    throw new RangeError(`${who}: the ImageNet top needs inputShape [224, 224, 3], got [${shape.join(", ")}]; use includeTop: false for other sizes`);
  }
  return shape;
}

/** The input, and the classifier or pooling at the end, as Keras's builders add them. */
export function finish(x: SymbolicTensor, input: SymbolicTensor, options: ApplicationOptions, name: string, topName = "predictions"): Model {
  let y = x;
  if (options.includeTop ?? true) {
    y = new Dense({ units: options.classes ?? 1000, activation: options.classifierActivation ?? "softmax", name: topName }).apply(y);
  } else if (options.pooling === "avg") y = new GlobalAveragePooling2D().apply(y);
  else if (options.pooling === "max") y = new GlobalMaxPooling2D().apply(y);
  return new Model({ inputs: input, outputs: y, name: options.name ?? name });
}

export const input = (shape: number[]) => Input({ shape });

/** Loads the weights the options ask for into a freshly built application. */
export async function loadApplicationWeights(model: Model, options: ApplicationOptions, files: WeightFiles): Promise<Model> {
  const weights = options.weights === undefined ? "imagenet" : options.weights;
  if (weights === null) return model;
  let path = weights;
  if (weights === "imagenet") {
    const f = (options.includeTop ?? true) ? files.top : files.notop;
    path = await cachedPath({ path: `keras-applications/${f.file}`, md5: f.md5, urls: [`${files.base}${f.file}`] }, { download: options.download });
  }
  await loadKerasWeights(model, path);
  return model;
}

/**
 * A family's preprocessInput: on a tensor it computes, on a symbolic tensor (the functional API,
 * `x = preprocessInput(inputs)`) it adds a PreprocessInput layer.
 */
export function preprocessFor(mode: PreprocessMode) {
  function preprocessInput(x: SymbolicTensor): SymbolicTensor;
  function preprocessInput(x: Tensor): Tensor;
  function preprocessInput(x: Tensor | SymbolicTensor): Tensor | SymbolicTensor {
    if ("node" in x && !("values" in x)) return new PreprocessInput({ mode }).apply(x);
    return preprocess(x as Tensor, mode);
  }
  return preprocessInput;
}

export const IMAGENET_CLASS_INDEX = {
  path: "imagenet-pretrained/labels/imagenet_class_index.json",
  md5: "c2c37ea517e94d9795004a39431a14cb",
  urls: ["https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"],
};

/** Keras's decode_predictions: the top classes of each row of [n, 1000] probabilities, as [wnid, name, score]. */
export async function decodePredictions(preds: Tensor, top = 5): Promise<[string, string, number][][]> {
  if (preds.rank !== 2 || preds.shape[1] !== 1000)
    throw new RangeError(`decodePredictions: expects a batch of ImageNet predictions [n, 1000], got [${preds.shape.join(", ")}]`);
  const index = JSON.parse(readFileSync(await cachedPath(IMAGENET_CLASS_INDEX), "utf8")) as Record<string, [string, string]>;
  const p = preds.floats();
  return Array.from({ length: preds.shape[0] }, (_, i) => {
    const row = p.subarray(i * 1000, (i + 1) * 1000);
    return Array.from(row.keys())
      .sort((a, b) => row[b] - row[a])
      .slice(0, top)
      .map((c) => [index[String(c)][0], index[String(c)][1], row[c]] as [string, string, number]);
  });
}
