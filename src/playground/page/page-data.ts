/** The digits the page works on: MNIST from the server, the first N training digits and 1,000 test digits scaled to [0, 1]. */

import type { ByteDataset, ByteSplit } from "@kerno/core/data/idx.js";
import type { Model } from "@kerno/core/models/model.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";

export const PIXELS = 28 * 28;
export const TEST_DIGITS = 1000;

export interface PageData {
  mnist: ByteDataset;
  /** The first 1,000 test digits [1000, 28, 28, 1] in [0, 1], and their labels. */
  testX: Tensor;
  testY: Int32Array;
  testLabels: Tensor;
}

/** The first `count` digits of a split as [count, 28, 28, 1] in [0, 1] and their labels. */
export function firstDigits(split: ByteSplit, count: number): { x: Tensor; y: Tensor; labels: Int32Array } {
  const n = Math.min(count, split.shape[0]);
  const pixels = split.pixels;
  const scaled = new Float32Array(n * PIXELS);
  for (let i = 0; i < scaled.length; i++) scaled[i] = pixels[i] / 255;
  const labels = split.labels.slice(0, n);
  return { x: tensor(scaled, [n, 28, 28, 1]), y: tensor(labels, [n], "int32"), labels };
}

export function pageData(mnist: ByteDataset): PageData {
  const test = firstDigits(mnist.test, TEST_DIGITS);
  return { mnist, testX: test.x, testY: test.labels, testLabels: test.y };
}

/** Digit `i` of a batch [n, 28, 28, 1] as its own [1, 28, 28, 1] tensor. */
export function digit(x: Tensor, i: number): Tensor {
  return tensor((x.data() as Float32Array).slice(i * PIXELS, (i + 1) * PIXELS), [1, 28, 28, 1]);
}

/** The model's class probabilities for a batch, as rows. */
export function probabilityRows(model: Model, x: Tensor): Float32Array[] {
  const out = model.predict(x, { batchSize: 256 }) as Tensor;
  const values = out.data() as Float32Array;
  const classes = out.shape[1];
  return Array.from({ length: out.shape[0] }, (_, i) => values.subarray(i * classes, (i + 1) * classes));
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Lets the browser paint before the next piece of synchronous work. */
export const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
