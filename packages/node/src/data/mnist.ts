/**
 * MNIST and Fashion-MNIST from the official IDX .gz files (through the data cache): uint8
 * images as float32 [n, 28, 28] in 0..255 and int32 labels, like keras.datasets.mnist.load_data.
 */
import { gunzipSync } from "node:zlib";
import { FASHION_MNIST_FILES, type IdxDataSet, type IdxSplitFiles, MNIST_FILES, parseIdx } from "@kerno/core/data/idx.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { fetchCached, type RemoteFile } from "./cache.js";

export interface ImageDataset {
  train: { images: Tensor; labels: Tensor };
  test: { images: Tensor; labels: Tensor };
  classNames: string[];
}

async function loadSplit(set: IdxDataSet, split: IdxSplitFiles): Promise<{ images: Tensor; labels: Tensor }> {
  const dir = set.dir;
  const get = async (name: string, sha: string) => {
    const file: RemoteFile = { path: `${dir}/${name}`, sha256: sha, urls: set.mirrors.map((m) => m + name) };
    const raw = await fetchCached(file);
    return parseIdx(gunzipSync(raw), file.path);
  };
  const images = await get(split.images, split.imagesSha);
  const labels = await get(split.labels, split.labelsSha);
  if (images.shape[0] !== labels.shape[0]) throw new Error(`${dir}: ${images.shape[0]} images but ${labels.shape[0]} labels`);
  return { images: tensor(Float32Array.from(images.data), images.shape), labels: tensor(Int32Array.from(labels.data), [labels.shape[0]], "int32") };
}

/** The 70,000 MNIST digits: train 60,000 and test 10,000, pixels 0..255. */
export async function mnist(): Promise<ImageDataset> {
  return loadSet(MNIST_FILES);
}

export async function fashionMnist(): Promise<ImageDataset> {
  return loadSet(FASHION_MNIST_FILES);
}

async function loadSet(set: IdxDataSet): Promise<ImageDataset> {
  return { train: await loadSplit(set, set.train), test: await loadSplit(set, set.test), classNames: [...set.classNames] };
}
