/**
 * kerno: deep learning for TypeScript, the course's toolkit. Everything of @kerno/core (tensors,
 * autodiff, layers, models, training) and @kerno/node (the native backend, files, data sets,
 * interop) is exported from here too, so `import { Sequential } from "kerno"` works; below them
 * the toolkit's own exports, sorted by path: applications, attacks, divide and conquer,
 * interpretation, runs and time series.
 */

export * from "@kerno/core";
export * from "@kerno/node";

import "./wasm-fallback.js";

export * as applications from "./applications/index.js";
export { decodePredictions, MobileNetV2, ResNet50, TinyDarknet, VGG16, VGG19 } from "./applications/index.js";
export { fgsm, type GradientAttackOptions, pgd } from "./attacks/gradient.js";
export { type OnePixelOptions, type OnePixelResult, onePixelAttack } from "./attacks/one-pixel.js";
export { type AttackSpec, attackSuccessRate, type SuccessRate } from "./attacks/success-rate.js";
export { combineHierarchy, groupByEmbeddings, groupClasses, type HierarchicalParts, trainHierarchy } from "./hierarchical/classifier.js";
export { agglomerate, cutTree, dendrogramSvg, type Linkage, type Merge } from "./hierarchical/clustering.js";
export { type Attribution, gradCam, integratedGradients, occlusion, saliency, smoothGrad } from "./interpret/attribution.js";
export { type Exemplar, type FilterReadout, featureMaps, filterActivation, topActivating } from "./interpret/feature-maps.js";
export { type FilterImage, type VisualizeOptions, visualizeFilter, visualizeLayer } from "./interpret/filters.js";
export { grid, overlay, pngBytes, savePng } from "./interpret/pictures.js";
export { CSVLogger } from "./runs/csv-logger.js";
export { type PlotHistoryOptions, plotHistory } from "./runs/plot-history.js";
export { RunHistory } from "./runs/run-history.js";
export { errors as forecastErrors, HoltWinters, persistence, sarima, seasonalNaive } from "./timeseries/baselines.js";
export { calendar, type HourlySeries, loadHourlyCsv, toHourly } from "./timeseries/hourly.js";
export { MinMaxScaler, StandardScaler } from "./timeseries/scalers.js";
export { chronologicalSplit, timeseriesDataset, type WindowOptions, type Windows, windowCount, windows } from "./timeseries/windows.js";
