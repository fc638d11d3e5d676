/**
 * MNIST and Fashion-MNIST from the official IDX .gz files (through the data cache): uint8
 * images as float32 [n, 28, 28] in 0..255 and int32 labels, like keras.datasets.mnist.load_data.
 */
import { gunzipSync } from "node:zlib";
import { type ByteDataset, type ByteSplit, FASHION_MNIST_FILES, type IdxDataSet, type IdxSplitFiles, MNIST_FILES, parseIdx } from "@kerno/core/data/idx.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { fetchCached, type RemoteFile } from "./cache.js";

export interface ImageDataset {
  train: { images: Tensor; labels: Tensor };
  test: { images: Tensor; labels: Tensor };
  classNames: string[];
}

export type { ByteDataset, ByteSplit } from "@kerno/core/data/idx.js";

/**
 * A .gz file's contents in one buffer of their size: gunzipSync's default gathers 16 KB chunks and
 * copies them into one buffer at the end, twice the memory, and the chunks' pages stay with the
 * process after they are freed (47 MB of MNIST's training images cost 97 MB of resident memory
 * that way, 47 MB this way). The size comes from the gzip trailer (ISIZE, the length modulo 2^32);
 * one byte more keeps zlib from asking for a second chunk once the first is exactly full. A trailer
 * that is wrong (several gzip members: the last one's size) costs only more chunks.
 */
export function gunzipWhole(raw: Uint8Array): Buffer {
  const size = raw.length >= 18 ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(raw.length - 4, true) : 0;
  return size > 0 && size < 2 ** 30 ? gunzipSync(raw, { chunkSize: Math.max(size + 1, 64) }) : gunzipSync(raw);
}

async function loadBytes(set: IdxDataSet, split: IdxSplitFiles): Promise<ByteSplit> {
  const dir = set.dir;
  const get = async (name: string, sha: string) => {
    const file: RemoteFile = { path: `${dir}/${name}`, sha256: sha, urls: set.mirrors.map((m) => m + name) };
    const raw = await fetchCached(file);
    return parseIdx(gunzipWhole(raw), file.path);
  };
  const images = await get(split.images, split.imagesSha);
  const labels = await get(split.labels, split.labelsSha);
  if (images.shape[0] !== labels.shape[0]) throw new Error(`${dir}: ${images.shape[0]} images but ${labels.shape[0]} labels`);
  return { pixels: images.data, shape: images.shape, labels: Int32Array.from(labels.data) };
}

async function loadSplit(set: IdxDataSet, split: IdxSplitFiles): Promise<{ images: Tensor; labels: Tensor }> {
  const { pixels, shape, labels } = await loadBytes(set, split);
  return { images: tensor(Float32Array.from(pixels), shape), labels: tensor(labels, [labels.length], "int32") };
}

/** The 70,000 MNIST digits: train 60,000 and test 10,000, pixels 0..255 as float32 tensors. */
export async function mnist(): Promise<ImageDataset> {
  return loadSet(MNIST_FILES);
}

export async function fashionMnist(): Promise<ImageDataset> {
  return loadSet(FASHION_MNIST_FILES);
}

async function loadSet(set: IdxDataSet): Promise<ImageDataset> {
  return { train: await loadSplit(set, set.train), test: await loadSplit(set, set.test), classNames: [...set.classNames] };
}

/**
 * MNIST (or Fashion-MNIST, `fashion: true`) as Keras's load_data gives it: uint8 pixels, a
 * quarter of the float32 tensors' memory; `pixelBatches` (@kerno/core) turns them into float32
 * batches as they are drawn.
 */
export async function mnistBytes(options: { fashion?: boolean } = {}): Promise<ByteDataset> {
  const set = options.fashion ? FASHION_MNIST_FILES : MNIST_FILES;
  return { train: await loadBytes(set, set.train), test: await loadBytes(set, set.test), classNames: [...set.classNames] };
}
