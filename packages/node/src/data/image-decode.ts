/**
 * Decoding image files into pixels with sharp (libvips): off the JavaScript thread, in parallel
 * with bounded concurrency. Used by imageDatasetFromDirectory and the CLI.
 */
import { readFile } from "node:fs/promises";
import { backend } from "@kerno/core/backends/registry.js";
import type { KernelEnum, OutputInfo, Sharp } from "sharp";
import { imageSizeLib, sharpLib } from "../util/lazy-modules.js";

export type ColorMode = "rgb" | "grayscale" | "rgba";
export type Interpolation = "bilinear" | "nearest" | "bicubic" | "area" | "lanczos3" | "lanczos5" | "mitchellcubic";

export interface DecodeOptions {
  /** [height, width] to resize to. */
  size: [number, number];
  colorMode: ColorMode;
  interpolation: Interpolation;
  /** Crop the largest centered window of the target aspect ratio before resizing (no distortion). */
  cropToAspectRatio: boolean;
}

export const CHANNELS: Record<ColorMode, number> = { grayscale: 1, rgb: 3, rgba: 4 };

// libvips' kernels for Keras's other interpolation names (it has no "area"; its linear reduce averages)
const KERNELS: Record<Exclude<Interpolation, "bilinear" | "nearest">, keyof KernelEnum> = {
  bicubic: "cubic",
  area: "linear",
  lanczos3: "lanczos3",
  lanczos5: "lanczos3",
  mitchellcubic: "mitchell",
};

/**
 * Decodes one file into `out` at `offset` as float32 pixels, whole numbers 0..255, [h, w, channels] row-major;
 * a file that does not decode is an error naming it.
 */
export async function decodeInto(path: string, options: DecodeOptions, out: Float32Array, offset: number): Promise<void> {
  try {
    await decodeFile(path, options, out, offset);
  } catch (err) {
    // libvips reports each of its warnings on a line of its own, some of them twice: one line per file in the log
    const reason = [...new Set((err as Error).message.trim().split(/\s*\n\s*/))].join("; ");
    throw new Error(`cannot decode ${path}: ${reason}`, { cause: err });
  }
}

async function decodeFile(path: string, options: DecodeOptions, out: Float32Array, offset: number): Promise<void> {
  const [h, w] = options.size;
  const c = CHANNELS[options.colorMode];
  // reading the file here and handing sharp the bytes decodes about 15% faster than libvips' own file reading
  const bytes = await readFile(path);
  const method = options.interpolation;
  if (method !== "bilinear" && method !== "nearest") return sharpResize(bytes, options, KERNELS[method], out, offset);
  const { data, info } = await decodePixels(bytes, options);
  const src = info.channels === c ? data : withChannels(data, info.channels, c);
  const win = options.cropToAspectRatio ? aspectWindow(info.height, info.width, h, w) : { top: 0, left: 0, height: info.height, width: info.width };
  backend().resizeBytes(
    src,
    { srcH: info.height, srcW: info.width, channels: c, ...win, outH: h, outW: w, nearest: method === "nearest" },
    out.subarray(offset, offset + h * w * c),
  );
}

/**
 * The file's pixels in the color mode, at full size. For bilinear resizing, a photo at least 4
 * times the target on both sides is first shrunk while it is decoded (JPEG's DCT scaling) by 4 or
 * 8 (shrinkFactor): decoding a phone's 4000x3000 whole for 180x180 costs tens of ms, and the shrink
 * averages where bilinear would alias. Nearest keeps the source's values, so it never averages.
 * The size comes from the header (image-size reads it in microseconds; sharp's metadata costs a
 * tenth of a decode).
 */
async function decodePixels(bytes: Buffer, options: DecodeOptions): Promise<{ data: Buffer; info: OutputInfo }> {
  const [h, w] = options.size;
  let img = inColorMode(sharpLib()(bytes, { failOn: "error" }), options.colorMode);
  const size = options.interpolation === "bilinear" ? headerSize(bytes) : null;
  if (size) {
    // EXIF orientations 5 to 8 turn the image a quarter
    const [fh, fw] = (size.orientation ?? 1) >= 5 ? [size.width, size.height] : [size.height, size.width];
    const factor = shrinkFactor(fh, fw, h, w);
    if (factor > 1) img = img.resize(Math.ceil(fw / factor), Math.ceil(fh / factor), { fit: "fill", kernel: "linear" });
  }
  return img.raw().toBuffer({ resolveWithObject: true });
}

/** What decodePixels shrinks an image of [srcH, srcW] by for a target of [h, w]: 8, 4 or 1. */
export function shrinkFactor(srcH: number, srcW: number, h: number, w: number): number {
  const ratio = Math.min(srcH / h, srcW / w);
  return ratio >= 8 ? 8 : ratio >= 4 ? 4 : 1;
}

/** Width, height and EXIF orientation from the file's header, or null where image-size cannot read it (then it decodes whole). */
function headerSize(bytes: Buffer): { width: number; height: number; orientation?: number } | null {
  const { imageSize } = imageSizeLib();
  try {
    const size = imageSize(bytes);
    return size.width && size.height ? { width: size.width, height: size.height, orientation: size.orientation } : null;
  } catch {
    return null;
  }
}

/**
 * Keras's crop_to_aspect_ratio window (smart_resize): the largest centered window of the target's
 * aspect ratio, its sides truncated to whole pixels.
 */
export function aspectWindow(h: number, w: number, outH: number, outW: number): { top: number; left: number; height: number; width: number } {
  const height = Math.max(1, Math.min(h, Math.trunc((w * outH) / outW)));
  const width = Math.max(1, Math.min(w, Math.trunc((h * outW) / outH)));
  return { top: Math.trunc((h - height) / 2), left: Math.trunc((w - width) / 2), height, width };
}

function inColorMode(img: Sharp, mode: ColorMode): Sharp {
  img = img.rotate();
  return mode === "grayscale" ? img.grayscale() : mode === "rgb" ? img.removeAlpha().toColourspace("srgb") : img.ensureAlpha().toColourspace("srgb");
}

/** Interleaved pixels with `have` channels as `want` channels (a gray image's one repeated, an extra alpha dropped). */
function withChannels(data: Uint8Array, have: number, want: number): Uint8Array {
  const n = data.length / have;
  const out = new Uint8Array(n * want);
  for (let p = 0; p < n; p++) for (let k = 0; k < want; k++) out[p * want + k] = data[p * have + Math.min(k, have - 1)];
  return out;
}

/** The interpolations Keras has beyond bilinear and nearest, through libvips' resize. */
async function sharpResize(bytes: Buffer, options: DecodeOptions, kernel: keyof KernelEnum, out: Float32Array, offset: number): Promise<void> {
  const [h, w] = options.size;
  const c = CHANNELS[options.colorMode];
  const img = inColorMode(sharpLib()(bytes, { failOn: "error" }), options.colorMode).resize(w, h, {
    fit: options.cropToAspectRatio ? "cover" : "fill",
    position: "centre",
    kernel,
  });
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== w || info.height !== h) throw new Error(`decoded to ${info.width}x${info.height}, expected ${w}x${h}`);
  const pixels = info.channels === c ? data : withChannels(data, info.channels, c);
  for (let i = 0; i < h * w * c; i++) out[offset + i] = pixels[i];
}

/** Runs `work` on every item with at most `limit` in flight; results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
