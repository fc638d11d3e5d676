/**
 * MNIST and Fashion-MNIST from the official IDX .gz files (through the data cache): uint8
 * images as float32 [n, 28, 28] in 0..255 and int32 labels, like keras.datasets.mnist.load_data.
 */
import { gunzipSync } from "node:zlib";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { fetchCached, type RemoteFile } from "./cache.js";

export interface ImageDataset {
  train: { images: Tensor; labels: Tensor };
  test: { images: Tensor; labels: Tensor };
  classNames: string[];
}

const MNIST_MIRRORS = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"];
const FASHION_MIRRORS = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"];

type Split = { images: string; imagesSha: string; labels: string; labelsSha: string };

const MNIST: Record<"train" | "test", Split> = {
  train: {
    images: "train-images-idx3-ubyte.gz",
    imagesSha: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    labels: "train-labels-idx1-ubyte.gz",
    labelsSha: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
  },
  test: {
    images: "t10k-images-idx3-ubyte.gz",
    imagesSha: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    labels: "t10k-labels-idx1-ubyte.gz",
    labelsSha: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
  },
};

const FASHION: Record<"train" | "test", Split> = {
  train: {
    images: "train-images-idx3-ubyte.gz",
    imagesSha: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    labels: "train-labels-idx1-ubyte.gz",
    labelsSha: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
  },
  test: {
    images: "t10k-images-idx3-ubyte.gz",
    imagesSha: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    labels: "t10k-labels-idx1-ubyte.gz",
    labelsSha: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
  },
};

/** Parses an IDX file (big-endian magic 0x0000TTDD: type, then DD dimension sizes). */
export function parseIdx(bytes: Uint8Array, who: string): { shape: number[]; data: Uint8Array } {
  if (bytes.length < 4) throw new Error(`${who}: not an IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = (magic >> 8) & 0xff,
    dims = magic & 0xff;
  if (magic >> 16 !== 0 || type !== 0x08 || dims < 1 || dims > 4) throw new Error(`${who}: not an unsigned-byte IDX file (magic 0x${magic.toString(16)})`);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * dims;
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== size) throw new Error(`${who}: truncated: header says ${shape.join("x")} = ${size} bytes, file has ${bytes.length - start}`);
  return { shape, data: bytes.subarray(start) };
}

async function loadSplit(dir: string, split: Split, mirrors: string[]): Promise<{ images: Tensor; labels: Tensor }> {
  const get = async (name: string, sha: string) => {
    const file: RemoteFile = { path: `${dir}/${name}`, sha256: sha, urls: mirrors.map((m) => m + name) };
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
  return {
    train: await loadSplit("mnist", MNIST.train, MNIST_MIRRORS),
    test: await loadSplit("mnist", MNIST.test, MNIST_MIRRORS),
    classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  };
}

export async function fashionMnist(): Promise<ImageDataset> {
  return {
    train: await loadSplit("fashion-mnist", FASHION.train, FASHION_MIRRORS),
    test: await loadSplit("fashion-mnist", FASHION.test, FASHION_MIRRORS),
    classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
  };
}
