/**
 * Layer classes by Keras class name, for rebuilding saved models (no code is ever loaded).
 * BUILTIN_LAYERS is the one list of built-in classes: loading, the save/load round-trip test and
 * the exports are checked against it.
 */
import { Activation, LeakyReLU, ReLU, Softmax } from "./activation-layers.js";
import { RandomBrightness, RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom } from "./augmentation.js";
import { BatchNormalization } from "./batch-normalization.js";
import { Conv1D, Conv2D } from "./conv.js";
import { Dense } from "./dense.js";
import { DepthwiseConv2D } from "./depthwise-conv.js";
import { Dropout } from "./dropout.js";
import { Embedding } from "./embedding.js";
import { HierarchyCombine } from "./hierarchy-combine.js";
import { InputLayer } from "./input.js";
import type { Layer, LayerArgs } from "./layer.js";
import { Masking } from "./masking.js";
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from "./merge.js";
import { ZeroPadding2D } from "./padding.js";
import {
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
} from "./pooling.js";
import { PreprocessInput } from "./preprocess-input.js";
import { CenterCrop, RandomCrop, Resizing } from "./preprocessing.js";
import { GRU, LSTM, SimpleRNN } from "./recurrent.js";
import { Rescaling } from "./rescaling.js";
import { Flatten, Reshape } from "./reshaping.js";
import { Bidirectional, type MergeMode, TimeDistributed } from "./wrappers.js";

export const BUILTIN_LAYERS = [
  Activation,
  LeakyReLU,
  ReLU,
  Softmax,
  BatchNormalization,
  Conv1D,
  Conv2D,
  Dense,
  Dropout,
  InputLayer,
  Add,
  Average,
  Concatenate,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
  Flatten,
  Reshape,
  Rescaling,
  SimpleRNN,
  LSTM,
  GRU,
  Embedding,
  Masking,
  Bidirectional,
  TimeDistributed,
  Resizing,
  CenterCrop,
  RandomCrop,
  RandomFlip,
  RandomRotation,
  RandomZoom,
  RandomTranslation,
  RandomContrast,
  RandomBrightness,
  DepthwiseConv2D,
  ZeroPadding2D,
  PreprocessInput,
  HierarchyCombine,
] as const;

export type BuiltinLayerName = (typeof BUILTIN_LAYERS)[number]["className"];

type LayerClass = new (args: never) => Layer;
type Factory = (config: Record<string, unknown>, who: string) => Layer;
interface NestedSpec {
  className: string;
  config: Record<string, unknown>;
}

const registry = new Map<string, Factory>();

/** Makes a layer class loadable by its className (custom layers can register too). */
export function registerLayer(cls: LayerClass & { className: string }): void {
  registry.set(cls.className, (config) => new cls(config as never));
}

/** For layers whose config holds other layers (wrappers). */
export function registerLayerFactory(className: string, factory: Factory): void {
  registry.set(className, factory);
}

export function layerFromConfig(className: string, config: Record<string, unknown>, who: string): Layer {
  const make = registry.get(className);
  if (!make) throw new Error(`${who}: unknown layer class '${className}' (known: ${[...registry.keys()].sort().join(", ")})`);
  return make(config, who);
}

for (const cls of BUILTIN_LAYERS) registerLayer(cls as unknown as LayerClass & { className: string });
// wrappers hold their layer's { className, config }
const inner = (config: Record<string, unknown>, who: string) => {
  const spec = config.layer as NestedSpec;
  return layerFromConfig(spec.className, spec.config, who);
};
registerLayerFactory(
  "Bidirectional",
  (config, who) => new Bidirectional({ ...(config as LayerArgs), mergeMode: config.mergeMode as MergeMode, layer: inner(config, who) }),
);
registerLayerFactory("TimeDistributed", (config, who) => new TimeDistributed({ ...(config as LayerArgs), layer: inner(config, who) }));
