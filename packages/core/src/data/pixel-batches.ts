/**
 * Images kept as bytes until they are batched: a Dataset of { x, y } batches over uint8 pixels
 * [n, ...image] and int32 labels, each batch converted to float32 (times `scale`, the course's
 * 1/255 folded into the conversion) when it is drawn. The data set costs one byte a pixel, not
 * four, and nothing per epoch beyond the batch (as a PyTorch DataLoader over uint8 tensors).
 */

import { tensor } from "../tensor/creation.js";
import { generator, Random } from "../tensor/random.js";
import { Dataset, type Example } from "./dataset.js";

export interface PixelBatchOptions {
  batchSize: number;
  /** Multiplies each pixel as it becomes float32 (default 1; 1/255 for [0, 1]). */
  scale?: number;
  /** A new order every pass (default true): seed + pass with a seed, else from the global generator. */
  shuffle?: boolean;
  seed?: number;
}

/** Batches of `pixels` ([n, ...imageShape] bytes) and `labels` ([n] int32) as float32 and int32 tensors. */
export function pixelBatches(pixels: Uint8Array, shape: readonly number[], labels: Int32Array, options: PixelBatchOptions): Dataset<Example> {
  const who = "pixelBatches";
  const [n, ...image] = shape;
  const rowSize = image.reduce((a, b) => a * b, 1);
  if (shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d > 0))
    throw new RangeError(`${who}: shape [${shape.join(", ")}] is not [n, ...image] of positive sizes`);
  if (pixels.length !== n * rowSize) throw new RangeError(`${who}: shape [${shape.join(", ")}] needs ${n * rowSize} pixels, got ${pixels.length}`);
  if (labels.length !== n) throw new RangeError(`${who}: ${n} images but ${labels.length} labels`);
  const { batchSize, scale = 1, shuffle = true, seed } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`${who}: batchSize must be a positive integer, got ${batchSize}`);
  let pass = 0;
  return Dataset.fromGenerator(
    function* () {
      const order = Array.from({ length: n }, (_, i) => i);
      if (shuffle) (seed === undefined ? generator() : new Random(seed + pass)).shuffle(order);
      pass++;
      for (let start = 0; start < n; start += batchSize) {
        const rows = order.slice(start, start + batchSize);
        const x = new Float32Array(rows.length * rowSize);
        const y = new Int32Array(rows.length);
        rows.forEach((r, i) => {
          const from = r * rowSize;
          for (let k = 0; k < rowSize; k++) x[i * rowSize + k] = pixels[from + k] * scale;
          y[i] = labels[r];
        });
        yield { x: tensor(x, [rows.length, ...image]), y: tensor(y, [rows.length], "int32") };
      }
    },
    Math.ceil(n / batchSize),
  );
}
