/**
 * @kerno/node: kerno on Node. Importing it makes the native backend (C++ kernels built at
 * install) the default and lets model.save(path) and Model.export write files; it adds the data
 * cache and the course's data sets, image decoding, CSV tables, Keras/TF.js/ONNX interop,
 * TensorBoard logs and MPI. Sorted by path, like @kerno/core's.
 */

import "./backends/native/index.js";
// model.save(path) and Model.export write through the Node side (interop/model-writers.ts registers them with models/writers.ts)
import "./interop/model-writers.js";

export { dataDir } from "./data/cache.js";
export { IMAGE_EXTENSIONS, type ImageFolderDataset, type ImageFolderOptions, imageDatasetFromDirectory, type LabelMode } from "./data/image-folder.js";
export { type LoadImageOptions, loadDigit, loadImage } from "./data/images.js";
export { type ByteDataset, type ByteSplit, fashionMnist, type ImageDataset, mnist, mnistBytes } from "./data/mnist.js";
export { DataParallel, dataParallel } from "./distributed/data-parallel.js";
export { type Distributed, type DistributedOptions, distributedAvailable, initDistributed } from "./distributed/mpi.js";
export { loadKerasWeights as loadWeights } from "./interop/h5.js";
export { loadKernoModel, loadModel, modelFormat } from "./interop/load-model.js";
export { plotModel, toDot, toSvg } from "./interop/plot-model.js";
export { TensorBoard, type TensorBoardOptions } from "./interop/tensorboard.js";
export { loadTfjsModel } from "./interop/tfjs.js";

import { fashionMnist as fashionMnistData, mnist as mnistData } from "./data/mnist.js";
/** keras.datasets-style access: datasets.mnist(), datasets.fashionMnist(). */
export const datasets = { mnist: mnistData, fashionMnist: fashionMnistData };
export { type ColumnInfo, describeColumns, readCsv, type Table, tableToTensors } from "./data/csv.js";
