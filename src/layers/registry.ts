/** Layer classes by Keras class name, for rebuilding saved models (no code is ever loaded). */
import { Activation, LeakyReLU, ReLU, Softmax } from "./activation.js";
import { BatchNormalization } from "./batch-normalization.js";
import { Conv1D, Conv2D } from "./conv.js";
import { Dense } from "./dense.js";
import { Dropout } from "./dropout.js";
import { InputLayer } from "./input.js";
import type { Layer } from "./layer.js";
import { Add, Average, Concatenate, Multiply, Subtract } from "./merge.js";
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
  MaxPooling1D, MaxPooling2D,
} from "./pooling.js";
import { Flatten, Reshape } from "./reshaping.js";
import { Rescaling } from "./rescaling.js";
import { GRU, LSTM, SimpleRNN } from "./recurrent.js";
import { Embedding } from "./embedding.js";
import { Masking } from "./masking.js";

type LayerClass = new (config: never) => Layer;
type Factory = (config: Record<string, unknown>, who: string) => Layer;

const registry = new Map<string, Factory>();

/** Makes a layer class loadable by its className (custom layers can register too). */
export function registerLayer(cls: LayerClass & { className: string }): void {
  registry.set(cls.className, (config) => new cls(config as never));
}

/** For layers whose config holds other layers (wrappers). */
export function registerLayerFactory(className: string, factory: Factory): void {
  registry.set(className, factory);
}

for (const cls of [
  Activation, LeakyReLU, ReLU, Softmax, BatchNormalization, Conv1D, Conv2D, Dense, Dropout, InputLayer, Add, Average, Concatenate,
  Multiply, Subtract, AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
  GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D, Flatten, Reshape, Rescaling, SimpleRNN, LSTM, GRU, Embedding, Masking,
]) registerLayer(cls as unknown as LayerClass & { className: string });

export function layerFromConfig(className: string, config: Record<string, unknown>, who: string): Layer {
  const make = registry.get(className);
  if (!make) throw new Error(`${who}: unknown layer class '${className}' (known: ${[...registry.keys()].sort().join(", ")})`);
  return make(config, who);
}
