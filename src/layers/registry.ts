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

type LayerClass = new (config: never) => Layer;

const registry = new Map<string, LayerClass>();

export function registerLayer(cls: LayerClass & { className: string }): void {
  registry.set(cls.className, cls);
}

for (const cls of [
  Activation, LeakyReLU, ReLU, Softmax, BatchNormalization, Conv1D, Conv2D, Dense, Dropout, InputLayer, Add, Average, Concatenate,
  Multiply, Subtract, AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
  GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D, Flatten, Reshape, Rescaling,
]) registerLayer(cls as unknown as LayerClass & { className: string });

export function layerFromConfig(className: string, config: Record<string, unknown>, who: string): Layer {
  const cls = registry.get(className);
  if (!cls) throw new Error(`${who}: unknown layer class '${className}' (known: ${[...registry.keys()].sort().join(", ")})`);
  return new cls(config as never);
}
