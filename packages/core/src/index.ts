/**
 * @kerno/core: tensors, autodiff, ops, layers, models, training and the TypeScript backend. No
 * Node built-in and no dependency, so it runs in Node, Deno, Bun and browsers. The exports are
 * sorted by path (the linter keeps them so): autodiff, ops and tensor first, then backends, data,
 * layers, models and training.
 */

export { grad, noGrad, type TensorTree, type ValueAndGrad, valueAndGrad } from "./autodiff/grad.js";
export { Variable, variable } from "./autodiff/variable.js";
export type { Kernels } from "./backends/kernels.js";
export { backendNotes, getBackend, listBackends, registerBackend, setBackend, withBackend } from "./backends/registry.js";
export { balanceClasses, classCounts, classWeightsFor, interleaveClasses, sampleClasses, shuffleTogether, undersampleConfident } from "./data/balance.js";
export { MemoryBudget } from "./data/compact-store.js";
export { type CacheOptions, Dataset, type Example } from "./data/dataset.js";
export { type PixelBatchOptions, pixelBatches } from "./data/pixel-batches.js";
export { Activation, LeakyReLU, ReLU, Softmax } from "./layers/activation-layers.js";
export { type Factor, RandomBrightness, RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom } from "./layers/augmentation.js";
export { BatchNormalization } from "./layers/batch-normalization.js";
export { Conv1D, Conv2D } from "./layers/conv.js";
export { Dense } from "./layers/dense.js";
export { DepthwiseConv2D } from "./layers/depthwise-conv.js";
export { Dropout } from "./layers/dropout.js";
export { DTYPE_POLICIES, type DTypePolicyName, mixedPrecision } from "./layers/dtype-policy.js";
export { Embedding } from "./layers/embedding.js";
export { HierarchyCombine } from "./layers/hierarchy-combine.js";
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
