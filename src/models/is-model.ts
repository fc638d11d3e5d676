/**
 * Whether a layer is a nested model (a layer with a graph of its own), for code that model.ts
 * itself imports (exporters and writers), which cannot import the Model class without a cycle.
 */
import type { Layer } from "../layers/layer.js";
import type { Model } from "./model.js";

export const isModel = (layer: Layer): layer is Model => Array.isArray((layer as Partial<Model>).nodes) && Array.isArray((layer as Partial<Model>).outputs);
