/**
 * The IDX format (MNIST, Fashion-MNIST) and the official files of both sets: what @kerno/node's
 * data cache downloads and checks and what the playground page fetches and checks, from one table.
 * No I/O here: reading, gunzip and hashing belong to the platform.
 */

/** One split's files (gzipped IDX) with their SHA-256. */
/** A split as Keras's load_data gives it: uint8 pixels [n, 28, 28] and the labels. */
export interface ByteSplit {
  pixels: Uint8Array;
  shape: number[];
  labels: Int32Array;
}

export interface ByteDataset {
  train: ByteSplit;
  test: ByteSplit;
  classNames: string[];
}

export interface IdxSplitFiles {
  images: string;
  imagesSha: string;
  labels: string;
  labelsSha: string;
}

/** A set of IDX files: the folder it caches under, its mirrors, its splits and class names. */
export interface IdxDataSet {
  dir: string;
  mirrors: string[];
  train: IdxSplitFiles;
  test: IdxSplitFiles;
  classNames: string[];
}

const SPLIT_NAMES = {
  train: { images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz" },
  test: { images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz" },
};

export const MNIST_FILES: IdxDataSet = {
  dir: "mnist",
  mirrors: ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"],
  train: {
    ...SPLIT_NAMES.train,
    imagesSha: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    labelsSha: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
  },
  test: {
    ...SPLIT_NAMES.test,
    imagesSha: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    labelsSha: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
  },
  classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
};

export const FASHION_MNIST_FILES: IdxDataSet = {
  dir: "fashion-mnist",
  mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
  train: {
    ...SPLIT_NAMES.train,
    imagesSha: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    labelsSha: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
  },
  test: {
    ...SPLIT_NAMES.test,
    imagesSha: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    labelsSha: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
  },
  classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
};

/** Parses an IDX file (big-endian magic 0x0000TTDD: type, then DD dimension sizes); `who` names it in errors. */
export function parseIdx(bytes: Uint8Array, who: string): { shape: number[]; data: Uint8Array } {
  if (bytes.length < 4) throw new Error(`${who}: not an IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = (magic >> 8) & 0xff,
    dims = magic & 0xff;
  if (magic >> 16 !== 0 || type !== 0x08 || dims < 1 || dims > 4) throw new Error(`${who}: not an unsigned-byte IDX file (magic 0x${magic.toString(16)})`);
  const start = 4 + 4 * dims;
  if (bytes.length < start) throw new Error(`${who}: truncated: ${bytes.length} bytes, the header alone needs ${start}`);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== size) throw new Error(`${who}: truncated: header says ${shape.join("x")} = ${size} bytes, file has ${bytes.length - start}`);
  return { shape, data: bytes.subarray(start) };
}

/** One file of a set: its path in the data cache (dir/name), its checksum and its download URLs. */
export interface IdxFile {
  path: string;
  sha256: string;
  urls: string[];
}

/** The four files of a set (training images and labels, test images and labels). */
export function idxFiles(set: IdxDataSet): IdxFile[] {
  return [set.train, set.test].flatMap((split) =>
    [
      [split.images, split.imagesSha],
      [split.labels, split.labelsSha],
    ].map(([name, sha256]) => ({ path: `${set.dir}/${name}`, sha256, urls: set.mirrors.map((m) => m + name) })),
  );
}
