/**
 * kerno: deep learning for TypeScript and Node.js. The exports are sorted by path (the linter
 * keeps them so), so the source folder says what each is: autodiff, ops and tensor first (the
 * library), then applications, backends, data, distributed, interop, layers, models, runs and
 * training, then the course's applications (attacks, CSV tables, divide and conquer,
 * interpretation, time series).
 */

export { grad, noGrad, type TensorTree, type ValueAndGrad, valueAndGrad } from "./autodiff/grad.js";
export { Variable, variable } from "./autodiff/variable.js";
export * from "./ops/activations.js";
export * from "./ops/arithmetic.js";
export * from "./ops/broadcast.js";
export * from "./ops/compare.js";
export * from "./ops/conv.js";
export * from "./ops/conv-pool.js";
export * from "./ops/dropout.js";
export * from "./ops/image.js";
export * from "./ops/losses.js";
export * from "./ops/math.js";
export * from "./ops/matmul.js";
export * from "./ops/pool.js";
export * from "./ops/reduce.js";
export * from "./ops/resize.js";
export * from "./ops/rnn.js";
export * from "./ops/scan.js";
export * from "./ops/shape.js";
export {
  eye,
  fill,
  oneHot,
  ones,
  onesLike,
  type RandomOptions,
  randomNormal,
  randomUniform,
  range,
  scalar,
  type TensorLike,
  tensor,
  truncatedNormal,
  zeros,
  zerosLike,
} from "./tensor/creation.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export { Random, setSeed } from "./tensor/random.js";
export type { Shape } from "./tensor/shape.js";
export { type NestedArray, Tensor } from "./tensor/tensor.js";

import "./backends/native/index.js";

// model.save(path) and Model.export write through the Node side (interop/model-writers.ts registers them with models/writers.ts)
import "./interop/model-writers.js";

export * as applications from "./applications/index.js";
export { decodePredictions, MobileNetV2, ResNet50, TinyDarknet, VGG16, VGG19 } from "./applications/index.js";
export type { Kernels } from "./backends/kernels.js";
export { backendNotes, getBackend, listBackends, registerBackend, setBackend } from "./backends/registry.js";
export { balanceClasses, classCounts, classWeightsFor, interleaveClasses, sampleClasses, shuffleTogether, undersampleConfident } from "./data/balance.js";
export { dataDir } from "./data/cache.js";
export { Dataset, type Example } from "./data/dataset.js";
export { IMAGE_EXTENSIONS, type ImageFolderDataset, type ImageFolderOptions, imageDatasetFromDirectory, type LabelMode } from "./data/image-folder.js";
export { type LoadImageOptions, loadDigit, loadImage } from "./data/images.js";
export { fashionMnist, type ImageDataset, mnist } from "./data/mnist.js";
export { DataParallel, dataParallel } from "./distributed/data-parallel.js";
export { type Distributed, type DistributedOptions, distributedAvailable, initDistributed } from "./distributed/mpi.js";
export { loadKerasWeights as loadWeights } from "./interop/h5.js";
export { loadKernoModel, loadModel, modelFormat } from "./interop/load-model.js";
export { plotModel, toDot, toSvg } from "./interop/plot-model.js";
export { TensorBoard, type TensorBoardOptions } from "./interop/tensorboard.js";
export { loadTfjsModel } from "./interop/tfjs.js";
export { Activation, LeakyReLU, ReLU, Softmax } from "./layers/activation.js";
export { type Factor, RandomBrightness, RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom } from "./layers/augmentation.js";
export { BatchNormalization } from "./layers/batch-normalization.js";
export { Conv1D, Conv2D } from "./layers/conv.js";
export { Dense } from "./layers/dense.js";
export { DepthwiseConv2D } from "./layers/depthwise-conv.js";
export { Dropout } from "./layers/dropout.js";
export { DTYPE_POLICIES, type DTypePolicyName, mixedPrecision } from "./layers/dtype-policy.js";
export { Embedding } from "./layers/embedding.js";
export { Input, InputLayer } from "./layers/input.js";
export { type CallOptions, clearSession, Layer, type LayerArgs, type Mask, SymbolicTensor, type SymShape } from "./layers/layer.js";
export { Masking } from "./layers/masking.js";
export { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from "./layers/merge.js";
export { ZeroPadding2D } from "./layers/padding.js";
export {
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
} from "./layers/pooling.js";
export { PreprocessInput, type PreprocessMode } from "./layers/preprocess-input.js";
export { CenterCrop, RandomCrop, Resizing } from "./layers/preprocessing.js";
export { GRU, type GRUArgs, LSTM, type LSTMArgs, type RNNArgs, SimpleRNN } from "./layers/recurrent.js";
export { registerLayer, registerLayerFactory } from "./layers/registry.js";
export { l1, l1l2, l2, type Regularizer } from "./layers/regularizers.js";
export { Rescaling } from "./layers/rescaling.js";
export { Flatten, Reshape } from "./layers/reshaping.js";
export { Bidirectional, TimeDistributed } from "./layers/wrappers.js";
export { Model } from "./models/model.js";
export { decodeModel } from "./models/rebuild.js";
export { encodeModel } from "./models/save.js";
export { Sequential } from "./models/sequential.js";
export { CSVLogger } from "./runs/csv-logger.js";
export { type PlotHistoryOptions, plotHistory } from "./runs/plot-history.js";
export { RunHistory } from "./runs/run-history.js";
export {
  Callback,
  type CallbackHooks,
  EarlyStopping,
  History,
  LearningRateScheduler,
  type Logs,
  ModelCheckpoint,
  ReduceLROnPlateau,
  TerminateOnNaN,
} from "./training/callbacks.js";
export type { CompileArgs } from "./training/compile.js";
export { extractFeatures } from "./training/evaluate.js";
export type { FitOptions } from "./training/fit.js";
export * as losses from "./training/losses.js";
export * as metrics from "./training/metrics.js";
export { Adam, AdamW, Optimizer, RMSprop, SGD } from "./training/optimizers.js";
export { CosineDecay, ExponentialDecay, PiecewiseConstantDecay } from "./training/schedules.js";
export type { TrainingStrategy } from "./training/strategy.js";

import { fashionMnist as fashionMnistData, mnist as mnistData } from "./data/mnist.js";
/** keras.datasets-style access: datasets.mnist(), datasets.fashionMnist(). */
export const datasets = { mnist: mnistData, fashionMnist: fashionMnistData };

export { fgsm, type GradientAttackOptions, pgd } from "./attacks/gradient.js";
export { type OnePixelOptions, type OnePixelResult, onePixelAttack } from "./attacks/one-pixel.js";
export { type AttackSpec, attackSuccessRate, type SuccessRate } from "./attacks/success-rate.js";
export { type ColumnInfo, describeColumns, readCsv, type Table, tableToTensors } from "./data/csv.js";
export { combineHierarchy, groupByEmbeddings, groupClasses, type HierarchicalParts, trainHierarchy } from "./hierarchical/classifier.js";
export { agglomerate, cutTree, dendrogramSvg, type Linkage, type Merge } from "./hierarchical/clustering.js";
export { type Attribution, gradCam, integratedGradients, occlusion, saliency, smoothGrad } from "./interpret/attribution.js";
export { type Exemplar, type FilterReadout, featureMaps, filterActivation, topActivating } from "./interpret/feature-maps.js";
export { type FilterImage, type VisualizeOptions, visualizeFilter, visualizeLayer } from "./interpret/filters.js";
export { grid, overlay, pngBytes, savePng } from "./interpret/pictures.js";
export { HierarchyCombine } from "./layers/hierarchy-combine.js";
export { errors as forecastErrors, HoltWinters, persistence, sarima, seasonalNaive } from "./timeseries/baselines.js";
export { calendar, type HourlySeries, loadHourlyCsv, toHourly } from "./timeseries/hourly.js";
export { MinMaxScaler, StandardScaler } from "./timeseries/scalers.js";
export { chronologicalSplit, timeseriesDataset, type WindowOptions, type Windows, windowCount, windows } from "./timeseries/windows.js";
