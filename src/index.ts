/** kerno: deep learning for TypeScript and Node.js. */
export { Tensor, type NestedArray } from "./tensor/tensor.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export type { Shape } from "./tensor/shape.js";
export {
  tensor, scalar, zeros, ones, fill, zerosLike, onesLike, range, eye, oneHot,
  randomUniform, randomNormal, truncatedNormal, type TensorLike, type RandomOptions,
} from "./tensor/creation.js";
export { setSeed, Random } from "./tensor/random.js";

export * from "./ops/arithmetic.js";
export * from "./ops/math.js";
export * from "./ops/compare.js";
export * from "./ops/activations.js";
export * from "./ops/reduce.js";
export * from "./ops/matmul.js";
export * from "./ops/shape.js";
export * from "./ops/conv.js";
export * from "./ops/pool.js";
export * from "./ops/resize.js";
export * from "./ops/dropout.js";
export * from "./ops/losses.js";
export * from "./ops/rnn.js";

export { grad, valueAndGrad, noGrad, type TensorTree, type ValueAndGrad } from "./autodiff/grad.js";
export { Variable, variable } from "./autodiff/variable.js";

import "./backends/native/index.js";
export { setBackend, getBackend, listBackends, registerBackend, backendNotes } from "./backends/registry.js";
export type { Kernels } from "./backends/kernels.js";

// layers and models (Keras-style)
export { Layer, SymbolicTensor, clearSession, type LayerArgs, type CallOptions, type Mask, type SymShape } from "./layers/layer.js";
export { Input, InputLayer } from "./layers/input.js";
export { Dense } from "./layers/dense.js";
export { Conv1D, Conv2D } from "./layers/conv.js";
export {
  MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
  GlobalMaxPooling1D, GlobalMaxPooling2D,
} from "./layers/pooling.js";
export { Flatten, Reshape } from "./layers/reshaping.js";
export { Dropout } from "./layers/dropout.js";
export { Rescaling } from "./layers/rescaling.js";
export { Activation, LeakyReLU, ReLU, Softmax } from "./layers/activation.js";
export { Add, Average, Concatenate, Multiply, Subtract } from "./layers/merge.js";
export { BatchNormalization } from "./layers/batch-normalization.js";
export { SimpleRNN, LSTM, GRU, type RNNArgs, type LSTMArgs, type GRUArgs } from "./layers/recurrent.js";
export { Bidirectional, TimeDistributed } from "./layers/wrappers.js";
export { Embedding } from "./layers/embedding.js";
export { Masking } from "./layers/masking.js";
export { l1, l2, l1l2, type Regularizer } from "./layers/regularizers.js";
export { registerLayer, registerLayerFactory } from "./layers/registry.js";
export { Model } from "./models/model.js";
export type { CompileArgs } from "./training/compile.js";
export { Sequential } from "./models/sequential.js";
export { loadModel } from "./models/load.js";
export { plotModel, toDot, toSvg } from "./models/plot.js";

// training
export { SGD, RMSprop, Adam, AdamW, Optimizer } from "./training/optimizers.js";
export { ExponentialDecay, CosineDecay, PiecewiseConstantDecay } from "./training/schedules.js";
export * as losses from "./training/losses.js";
export * as metrics from "./training/metrics.js";
export {
  Callback, EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, CSVLogger, TerminateOnNaN, LearningRateScheduler, History,
  type CallbackHooks, type Logs,
} from "./training/callbacks.js";
export type { FitOptions } from "./training/fit.js";

// data
export { Dataset, type Example } from "./data/dataset.js";
export { shuffleTogether, interleaveClasses, balanceClasses, classWeightsFor, classCounts, sampleClasses } from "./data/balance.js";
export { mnist, fashionMnist, type ImageDataset } from "./data/mnist.js";
export { loadImage, loadDigit, type LoadImageOptions } from "./data/images.js";
export { dataDir } from "./data/cache.js";
import { fashionMnist as fashionMnistData, mnist as mnistData } from "./data/mnist.js";
/** keras.datasets-style access: datasets.mnist(), datasets.fashionMnist(). */
export const datasets = { mnist: mnistData, fashionMnist: fashionMnistData };

// sequences, time series and tables
export { windows, windowCount, timeseriesDataset, chronologicalSplit, type Windows, type WindowOptions } from "./timeseries/windows.js";
export { MinMaxScaler, StandardScaler } from "./timeseries/scalers.js";
export { persistence, seasonalNaive, HoltWinters, sarima, errors as forecastErrors } from "./timeseries/baselines.js";
export { loadHourlyCsv, toHourly, calendar, type HourlySeries } from "./timeseries/hourly.js";
export { readCsv, describeColumns, tableToTensors, type Table, type ColumnInfo } from "./data/csv.js";
