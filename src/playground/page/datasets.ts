/**
 * `kerno.datasets` in the page: MNIST and Fashion-MNIST fetched from the page's server (the
 * playground serves the data cache read-only under data/; a static build carries the files),
 * checked against the same SHA-256 table @kerno/node's cache uses, gunzipped by the browser, and
 * shaped as in Node: float32 [n, 28, 28] pixels in 0..255 and int32 labels (mnist()), or the uint8
 * pixels themselves (mnistBytes(), which the page keeps: 55 MB instead of 220).
 */
import { type ByteDataset, type ByteSplit, FASHION_MNIST_FILES, type IdxDataSet, MNIST_FILES, parseIdx } from "@kerno/core/data/idx.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";

export interface ImageDataset {
  train: { images: Tensor; labels: Tensor };
  test: { images: Tensor; labels: Tensor };
  classNames: string[];
}

export interface FetchOptions {
  /** Where the data folder is (default: data/ beside the page). */
  baseUrl?: string | URL;
}

let unverifiedNoted = false;

async function sha256Hex(bytes: Uint8Array): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null; // not a secure context (plain http to another host): no digest available
  const digest = new Uint8Array(await subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** One file of a set, fetched, checked and parsed. */
async function fetchIdx(set: IdxDataSet, name: string, sha: string, base: URL) {
  const url = new URL(`${set.dir}/${name}`, base);
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `datasets: ${url.href} gave HTTP ${response.status}: the data cache has no ${set.dir}/${name} (run 'npx kerno data ${set.dir}' in Node, or copy the file there)`,
    );
  }
  const raw = new Uint8Array(await response.arrayBuffer());
  const got = await sha256Hex(raw);
  if (got === null && !unverifiedNoted) {
    unverifiedNoted = true;
    console.warn("kerno datasets: this page is not a secure context, so the files' SHA-256 are not checked");
  }
  if (got !== null && got !== sha) throw new Error(`datasets: ${url.href}: SHA-256 ${got}, expected ${sha} (a damaged or different file)`);
  return parseIdx(await gunzip(raw), url.href);
}

async function loadBytes(set: IdxDataSet, options: FetchOptions): Promise<ByteDataset> {
  const base = new URL(options.baseUrl ?? "data/", globalThis.location?.href);
  const split = async (files: IdxDataSet["train"]): Promise<ByteSplit> => {
    const [images, labels] = await Promise.all([fetchIdx(set, files.images, files.imagesSha, base), fetchIdx(set, files.labels, files.labelsSha, base)]);
    if (images.shape[0] !== labels.shape[0]) throw new Error(`datasets: ${set.dir}: ${images.shape[0]} images but ${labels.shape[0]} labels`);
    return { pixels: images.data, shape: images.shape, labels: Int32Array.from(labels.data) };
  };
  const [train, test] = await Promise.all([split(set.train), split(set.test)]);
  return { train, test, classNames: [...set.classNames] };
}

/** The bytes as floats, as Node's mnist() gives them. */
function asTensors(bytes: ByteDataset): ImageDataset {
  const split = (s: ByteSplit) => ({ images: tensor(Float32Array.from(s.pixels), s.shape), labels: tensor(s.labels, [s.labels.length], "int32") });
  return { train: split(bytes.train), test: split(bytes.test), classNames: bytes.classNames };
}

/** The 70,000 MNIST digits, as `datasets.mnist()` gives them in Node. */
export const mnist = async (options: FetchOptions = {}) => asTensors(await loadBytes(MNIST_FILES, options));
export const fashionMnist = async (options: FetchOptions = {}) => asTensors(await loadBytes(FASHION_MNIST_FILES, options));
/** The digits as Keras's load_data gives them (uint8 pixels, a quarter of the floats' memory), as `mnistBytes()` in Node. */
export const mnistBytes = (options: FetchOptions & { fashion?: boolean } = {}) => loadBytes(options.fashion ? FASHION_MNIST_FILES : MNIST_FILES, options);
