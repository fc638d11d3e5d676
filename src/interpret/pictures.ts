/**
 * Turning what interpretation computes into pictures: tensors to PNG files (sharp), values
 * stretched to 0..255, grids of many small images, and heat maps laid over a photo.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { writeAtomic } from "@kerno/node/util/files.js";
import { sharpLib } from "@kerno/node/util/lazy-modules.js";

/** [h, w, c] (c 1 or 3) or [h, w] values in 0..255 (clipped and rounded) as PNG bytes. */
export async function pngBytes(image: Tensor): Promise<Buffer> {
  const [h, w, c = 1] = image.rank === 2 ? [...image.shape, 1] : image.shape;
  if (image.rank < 2 || image.rank > 3 || (c !== 1 && c !== 3))
    throw new RangeError(`pngBytes: expected [h, w], [h, w, 1] or [h, w, 3], got [${image.shape.join(", ")}]`);
  const v = image.floats();
  const px = Buffer.alloc(h * w * c);
  for (let i = 0; i < px.length; i++) px[i] = Math.max(0, Math.min(255, Math.round(v[i])));
  return sharpLib()(px, { raw: { width: w, height: h, channels: c } })
    .png()
    .toBuffer();
}

/** Writes the image as a PNG file (atomically, folders made) and returns the path. */
export async function savePng(image: Tensor, path: string): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  writeAtomic(path, await pngBytes(image));
  return path;
}

/** Values linearly stretched to 0..255 (per image; a constant image becomes mid-gray). */
export function stretch(values: Float32Array): Float32Array {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo;
  return values.map((v) => (span > 0 ? ((v - lo) / span) * 255 : 127.5));
}

/**
 * Tiles of equal size [h, w, c] in a grid of `columns` (default: near square), separated by a
 * `gap` of black pixels: one picture of many filters or feature maps.
 */
export function grid(tiles: Tensor[], options: { columns?: number; gap?: number } = {}): Tensor {
  if (tiles.length === 0) throw new RangeError("grid: no tiles");
  const [h, w, c = 1] = tiles[0].shape;
  const cols = options.columns ?? Math.ceil(Math.sqrt(tiles.length));
  const rows = Math.ceil(tiles.length / cols);
  const gap = options.gap ?? 2;
  const H = rows * h + (rows - 1) * gap,
    W = cols * w + (cols - 1) * gap;
  const out = new Float32Array(H * W * c);
  tiles.forEach((t, i) => {
    const v = t.floats();
    const y0 = Math.floor(i / cols) * (h + gap),
      x0 = (i % cols) * (w + gap);
    for (let y = 0; y < h; y++) out.set(v.subarray(y * w * c, (y + 1) * w * c), ((y0 + y) * W + x0) * c);
  });
  return tensor(out, [H, W, c]);
}

/** The jet-like color (0..255 RGB) of a value in 0..1: blue, cyan, yellow, red. */
function heatColor(t: number): [number, number, number] {
  const f = (x: number) => Math.max(0, Math.min(1, x));
  return [255 * f(1.5 - Math.abs(4 * t - 3)), 255 * f(1.5 - Math.abs(4 * t - 2)), 255 * f(1.5 - Math.abs(4 * t - 1))];
}

/** A heat map [h, w] (any range, stretched to 0..1) over a photo [h, w, 3] (0..255) at `alpha`. */
export function overlay(photo: Tensor, heat: Tensor, alpha = 0.45): Tensor {
  const [h, w] = photo.shape;
  if (heat.size !== h * w) throw new RangeError(`overlay: the heat map has ${heat.size} values for a ${h}x${w} photo`);
  const p = photo.floats(),
    s = stretch(heat.floats());
  const c = photo.shape[2] ?? 1;
  const out = new Float32Array(h * w * 3);
  for (let i = 0; i < h * w; i++) {
    const col = heatColor(s[i] / 255);
    for (let k = 0; k < 3; k++) out[i * 3 + k] = (1 - alpha) * p[i * c + Math.min(k, c - 1)] + alpha * col[k];
  }
  return tensor(out, [h, w, 3]);
}
