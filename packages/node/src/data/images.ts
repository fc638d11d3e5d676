/** Reading images into tensors with sharp (decoding, grayscale/RGB, resizing). */

import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import type { OutputInfo } from "sharp";
import { sharpLib } from "../util/lazy-modules.js";
import { pillowBilinear } from "./pillow-resize.js";

export interface LoadImageOptions {
  /** [height, width] to resize to (default: keep). */
  size?: [number, number];
  /** 1 for grayscale, 3 for RGB (default 3). */
  channels?: 1 | 3;
  /** How to fit the size: fill (stretch, default, as Keras), contain (pad) or cover (crop). */
  fit?: "fill" | "contain" | "cover";
  /** Padding color for fit 'contain' (default black). */
  background?: number;
  /**
   * How to resample: libvips' lanczos3 (default), or "pillow-bilinear", Pillow's Image.resize
   * BILINEAR bit for bit (for models whose reference preprocessing is PIL's; fit 'fill' only).
   */
  resample?: "lanczos3" | "pillow-bilinear";
}

/** One image as float32 [h, w, channels] with pixel values 0..255. */
export async function loadImage(path: string, options: LoadImageOptions = {}): Promise<Tensor> {
  const channels = options.channels ?? 3;
  let img = sharpLib()(path, { failOn: "error" }).rotate();
  img = channels === 1 ? img.grayscale() : img.removeAlpha().toColourspace("srgb");
  const pillow = options.resample === "pillow-bilinear" && options.size !== undefined;
  if (pillow && (options.fit ?? "fill") !== "fill")
    throw new RangeError(`loadImage: resample 'pillow-bilinear' stretches to the size (fit 'fill'), got fit '${options.fit}'`);
  if (options.size && !pillow) {
    const bg = options.background ?? 0;
    img = img.resize(options.size[1], options.size[0], { fit: options.fit ?? "fill", background: { r: bg, g: bg, b: bg }, kernel: "lanczos3" });
  }
  let data: Buffer, info: OutputInfo;
  try {
    ({ data, info } = await img.raw().toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw new Error(`loadImage: cannot read ${path}: ${(err as Error).message}`);
  }
  const c = info.channels;
  let pixels: Uint8Array = data;
  let [h, w] = [info.height, info.width];
  if (pillow && options.size) {
    pixels = pillowBilinear(data, h, w, c, options.size[0], options.size[1]);
    [h, w] = options.size;
  }
  const out = new Float32Array(w * h * channels);
  for (let p = 0; p < w * h; p++) for (let k = 0; k < channels; k++) out[p * channels + k] = pixels[p * c + Math.min(k, c - 1)];
  return tensor(out, [h, w, channels]);
}

/**
 * A photo or scan of a handwritten digit as MNIST sees digits: grayscale 28x28, white digit on
 * black (inverted when the background is light), scaled to 0..1.
 */
export async function loadDigit(path: string): Promise<Tensor> {
  const img = await loadImage(path, { channels: 1, size: [28, 28], fit: "contain", background: 255 });
  const v = img.floats();
  // the border tells the background: light borders mean dark ink on light paper
  let border = 0,
    count = 0;
  for (let i = 0; i < 28; i++)
    for (const j of [0, 27]) {
      border += v[i * 28 + j] + v[j * 28 + i];
      count += 2;
    }
  const invert = border / count > 127;
  const out = Float32Array.from(v, (p) => (invert ? 255 - p : p) / 255);
  return tensor(out, [28, 28]);
}
