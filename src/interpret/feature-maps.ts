/**
 * What a layer sees in one image (its feature maps as a grid), and which real images excite one
 * filter most: the course's check that a photo of a chain fires the "chain" filter.
 */
import { noGrad } from "@kerno/core/autodiff/grad.js";
import type { Dataset, Example } from "@kerno/core/data/dataset.js";
import type { Model } from "@kerno/core/models/model.js";
import { mean } from "@kerno/core/ops/reduce.js";
import { reshape, slice } from "@kerno/core/ops/shape.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { grid, stretch } from "./pictures.js";
import { channel, checkImage, probe } from "./probe.js";

/** One image's activations at a layer, one tile per channel (each stretched to 0..255), in a grid. */
export function featureMaps(
  model: Model,
  layerName: string,
  image: Tensor,
  options: { channels?: number[]; columns?: number } = {},
): { grid: Tensor; activations: Tensor } {
  const who = "featureMaps";
  checkImage(model, image, who);
  const p = probe(model, layerName, who);
  const x = image.rank === 3 ? reshape(image, [1, ...image.shape]) : image;
  const a = noGrad(() => p.run(x));
  if (a.rank !== 4) throw new RangeError(`${who}: layer '${layerName}' gives [${a.shape.join(", ")}], not maps [n, h, w, channels]`);
  const [, h, w, c] = a.shape;
  const chosen = options.channels ?? Array.from({ length: c }, (_, i) => i);
  const v = a.floats();
  const tiles = chosen.map((k) => {
    if (k < 0 || k >= c) throw new RangeError(`${who}: layer '${layerName}' has ${c} channels, got ${k}`);
    const map = new Float32Array(h * w);
    for (let i = 0; i < h * w; i++) map[i] = v[i * c + k];
    return tensor(stretch(map), [h, w, 1]);
  });
  return { grid: grid(tiles, { columns: options.columns }), activations: slice(a, [0, 0, 0, 0], [1, h, w, c]) };
}

export interface Exemplar {
  /** Position in the dataset (in iteration order). */
  index: number;
  activation: number;
  image: Tensor;
}

/** The k inputs of `data` (tensors [n, ...] or a Dataset of batches) on which the filter's mean activation is highest. */
export async function topActivating(model: Model, layerName: string, filter: number, data: Tensor | Dataset<Example>, k = 9): Promise<Exemplar[]> {
  const who = "topActivating";
  const p = probe(model, layerName, who);
  const best: Exemplar[] = [];
  let seen = 0;
  const consider = (batch: Tensor) => {
    const act = noGrad(() => channel(p.run(batch), filter, who, layerName));
    const perImage = noGrad(() =>
      mean(
        act,
        act.shape.slice(1, -1).map((_, i) => i + 1),
      ),
    ).floats();
    perImage.forEach((value, i) => {
      if (best.length < k || value > best[best.length - 1].activation) {
        const image = slice(batch, [i, ...batch.shape.slice(1).map(() => 0)], [1, ...batch.shape.slice(1)]);
        best.push({ index: seen + i, activation: value, image: reshape(image, batch.shape.slice(1)) });
        best.sort((a, b) => b.activation - a.activation);
        if (best.length > k) best.pop();
      }
    });
    seen += batch.shape[0];
  };
  if ("shape" in data) {
    for (let s = 0; s < data.shape[0]; s += 64)
      consider(slice(data, [s, ...data.shape.slice(1).map(() => 0)], [Math.min(64, data.shape[0] - s), ...data.shape.slice(1)]));
  } else {
    for await (const el of data) consider(Array.isArray(el.x) ? el.x[0] : el.x);
  }
  return best;
}

export interface FilterReadout {
  filter: number;
  /** The filter's mean activation over the image's positions. */
  activation: number;
  /** Its highest activation at one position. */
  peak: number;
  /** 1 for the layer's most activated filter on this image (by mean), up to `filters`. */
  rank: number;
  filters: number;
  /** The median of every filter's mean activation on this image: what "highly activated" is judged against. */
  median: number;
}

/** How strongly one filter fires on one image, beside the layer's other filters (the course's "does filter 265 fire on the chain?"). */
export function filterActivation(model: Model, layerName: string, image: Tensor, filter: number): FilterReadout {
  const who = "filterActivation";
  checkImage(model, image, who);
  const p = probe(model, layerName, who);
  const x = image.rank === 3 ? reshape(image, [1, ...image.shape]) : image;
  if (x.shape[0] !== 1) throw new RangeError(`${who}: expected one image, got a batch of ${x.shape[0]}`);
  const a = noGrad(() => p.run(x));
  const c = a.shape[a.rank - 1];
  if (!Number.isInteger(filter) || filter < 0 || filter >= c)
    throw new RangeError(`${who}: layer '${layerName}' has ${c} filters (0 to ${c - 1}), got ${filter}`);
  const v = a.floats();
  const positions = v.length / c;
  const means = new Float64Array(c);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < positions; i++)
    for (let k = 0; k < c; k++) {
      means[k] += v[i * c + k] / positions;
      if (k === filter) peak = Math.max(peak, v[i * c + k]);
    }
  const sorted = Float64Array.from(means).sort();
  const rank = 1 + means.filter((m) => m > means[filter]).length;
  const median = c % 2 ? sorted[(c - 1) / 2] : (sorted[c / 2 - 1] + sorted[c / 2]) / 2;
  return { filter, activation: means[filter], peak, rank, filters: c, median };
}
