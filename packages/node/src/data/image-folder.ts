/**
 * imageDatasetFromDirectory: Keras's image_dataset_from_directory. A folder with one subfolder
 * per class becomes a Dataset of { x: [batch, h, w, c] float32 pixels 0..255, y: labels }
 * batches. Files are decoded by sharp in parallel (bounded), the next batches while the current one
 * trains; `.cache()` on the result keeps the decoded batches for later epochs. Nothing is written
 * into the folder.
 */
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { Dataset, type Example } from "@kerno/core/data/dataset.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { Random } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { CHANNELS, type ColorMode, decodeInto, type Interpolation, mapLimit } from "./image-decode.js";

/** The extensions Keras accepts (case-insensitive). */
export const IMAGE_EXTENSIONS = [".bmp", ".gif", ".jpeg", ".jpg", ".png"];

export type LabelMode = "int" | "binary" | "categorical" | null;

export interface ImageFolderOptions {
  /** "inferred" from the subfolders (default), or one label per file in sorted path order. */
  labels?: "inferred" | number[] | null;
  labelMode?: LabelMode;
  /** The classes (subfolder names) to use, in label order; default: every subfolder, sorted. */
  classNames?: string[];
  colorMode?: ColorMode;
  /** Default 32; null yields single images (no batch axis). */
  batchSize?: number | null;
  /** [height, width], default [256, 256]. */
  imageSize?: [number, number];
  /** Shuffle the files (default true): once before the split, and again at every pass. */
  shuffle?: boolean;
  seed?: number;
  validationSplit?: number;
  subset?: "training" | "validation" | "both";
  interpolation?: Interpolation;
  cropToAspectRatio?: boolean;
  followLinks?: boolean;
  /** A file that does not decode: an error naming it (default), or skipped and reported. */
  onBadFile?: "error" | "skip";
  /** Files decoded at once (default 8) and batches decoded ahead (default 2). */
  concurrency?: number;
  prefetch?: number;
  /** Where the "Found ..." lines go (default console.log). */
  log?: (line: string) => void;
}

/** The Dataset of batches, with Keras's attributes. */
export type ImageFolderDataset = Dataset<Example> & {
  readonly classNames: string[];
  readonly filePaths: string[];
  /** Files skipped so far because they did not decode (onBadFile "skip"). */
  readonly skipped: string[];
};

const who = "imageDatasetFromDirectory";

function listFiles(dir: string, followLinks: boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    const isDir = entry.isDirectory() || (followLinks && entry.isSymbolicLink() && statSync(path).isDirectory());
    if (isDir) out.push(...listFiles(path, followLinks));
    else if (IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase())) out.push(path);
  }
  return out;
}

/** The class folders and every image file with its label, in Keras's order. */
function indexDirectory(dir: string, options: ImageFolderOptions): { classNames: string[]; files: string[]; labels: number[] } {
  let entries: string[];
  try {
    entries = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() || (options.followLinks && e.isSymbolicLink() && statSync(join(dir, e.name)).isDirectory()))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    throw new Error(`${who}: cannot read ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (options.labels !== "inferred" && options.labels !== undefined) {
    const files = listFiles(dir, options.followLinks ?? false);
    if (files.length === 0) throw new Error(`${who}: no image files (${IMAGE_EXTENSIONS.join(", ")}) in ${dir}`);
    const labels = options.labels ?? files.map(() => 0);
    if (labels.length !== files.length) throw new RangeError(`${who}: ${labels.length} labels given for ${files.length} image files in ${dir}`);
    return { classNames: options.classNames ?? [], files, labels };
  }
  if (entries.length === 0) {
    throw new Error(`${who}: ${dir} has no class subfolders; put each class's images in a folder of its own (${dir}/<class>/<image>.jpg)`);
  }
  const classNames = options.classNames ?? entries;
  for (const c of classNames) if (!entries.includes(c)) throw new RangeError(`${who}: class '${c}' has no folder in ${dir} (folders: ${entries.join(", ")})`);
  const files: string[] = [];
  const labels: number[] = [];
  classNames.forEach((c, label) => {
    for (const f of listFiles(join(dir, c), options.followLinks ?? false)) {
      files.push(f);
      labels.push(label);
    }
  });
  if (files.length === 0) throw new Error(`${who}: no image files (${IMAGE_EXTENSIONS.join(", ")}) in the class folders of ${dir}`);
  return { classNames, files, labels };
}

function labelTensor(labels: number[], mode: LabelMode, classes: number): Tensor | undefined {
  if (mode === null) return undefined;
  if (mode === "int") return tensor(Int32Array.from(labels), [labels.length], "int32");
  if (mode === "binary") return tensor(Float32Array.from(labels), [labels.length, 1]);
  const onehot = new Float32Array(labels.length * classes);
  labels.forEach((l, i) => (onehot[i * classes + l] = 1));
  return tensor(onehot, [labels.length, classes]);
}

export function imageDatasetFromDirectory(dir: string, options?: ImageFolderOptions & { subset?: "training" | "validation" }): ImageFolderDataset;
export function imageDatasetFromDirectory(dir: string, options: ImageFolderOptions & { subset: "both" }): [ImageFolderDataset, ImageFolderDataset];
export function imageDatasetFromDirectory(dir: string, options: ImageFolderOptions = {}): ImageFolderDataset | [ImageFolderDataset, ImageFolderDataset] {
  const log = options.log ?? console.log;
  const labelMode: LabelMode = options.labelMode === undefined ? "int" : options.labelMode;
  const { classNames, files, labels } = indexDirectory(dir, options);
  const classes = classNames.length || Math.max(...labels) + 1;
  if (labelMode === "binary" && classes !== 2) {
    throw new RangeError(
      `${who}: labelMode 'binary' needs exactly 2 classes, found ${classes}${classNames.length ? ` (${classNames.join(", ")})` : ""} in ${dir}`,
    );
  }
  log(`Found ${files.length} files${options.labels === null ? "" : ` belonging to ${classes} classes`}.`);
  const shuffle = options.shuffle ?? true;
  const seed = options.seed ?? Math.floor(Math.random() * 1e6);
  const order = files.map((_, i) => i);
  if (shuffle) new Random(seed).shuffle(order);
  const split = options.validationSplit;
  if (split !== undefined && !(split > 0 && split < 1)) throw new RangeError(`${who}: validationSplit must be in (0, 1), got ${split}`);
  if (split !== undefined && !options.subset) throw new RangeError(`${who}: with validationSplit, say which subset: "training", "validation" or "both"`);
  if (options.subset && split === undefined) throw new RangeError(`${who}: subset '${options.subset}' needs a validationSplit`);
  const nVal = split === undefined ? 0 : Math.floor(files.length * split);
  const make = (picked: number[], name: string, reshuffle: boolean): ImageFolderDataset => {
    if (split !== undefined) log(`Using ${picked.length} files for ${name}.`);
    return folderDataset(
      picked.map((i) => files[i]),
      picked.map((i) => labels[i]),
      classNames,
      labelMode,
      classes,
      { ...options, shuffle: reshuffle, seed },
    );
  };
  const trainIdx = order.slice(0, files.length - nVal),
    valIdx = order.slice(files.length - nVal);
  if (options.subset === "both") return [make(trainIdx, "training", shuffle), make(valIdx, "validation", false)];
  if (options.subset === "validation") return make(valIdx, "validation", false);
  return make(trainIdx, "training", shuffle);
}

/** The dataset over given files: each pass (re)shuffles when asked, then decodes batch by batch, ahead of the consumer. */
function folderDataset(
  files: string[],
  labels: number[],
  classNames: string[],
  labelMode: LabelMode,
  classes: number,
  options: ImageFolderOptions & { seed: number },
): ImageFolderDataset {
  const [h, w] = options.imageSize ?? [256, 256];
  if (![h, w].every((d) => Number.isInteger(d) && d > 0))
    throw new RangeError(`${who}: imageSize must be two positive integers, got ${JSON.stringify(options.imageSize)}`);
  const colorMode = options.colorMode ?? "rgb";
  if (!(colorMode in CHANNELS)) throw new RangeError(`${who}: colorMode must be rgb, grayscale or rgba, got '${colorMode}'`);
  const c = CHANNELS[colorMode];
  const batchSize = options.batchSize === undefined ? 32 : options.batchSize;
  const size = batchSize ?? 1;
  const decode = {
    size: [h, w] as [number, number],
    colorMode,
    interpolation: options.interpolation ?? "bilinear",
    cropToAspectRatio: options.cropToAspectRatio ?? false,
  };
  const concurrency = options.concurrency ?? 8;
  const skipped: string[] = [];
  let pass = 0;

  /** Decodes files [start, start + size) of this pass's order into one batch (skipped files dropped). */
  const loadBatch = async (idx: number[]): Promise<Example | null> => {
    const pixels = new Float32Array(idx.length * h * w * c);
    const ok = await mapLimit(idx, concurrency, async (fileIndex, slot) => {
      try {
        await decodeInto(files[fileIndex], decode, pixels, slot * h * w * c);
        return true;
      } catch (err) {
        if (options.onBadFile !== "skip") throw new Error(`${who}: ${(err as Error).message}`);
        if (!skipped.includes(files[fileIndex])) {
          skipped.push(files[fileIndex]);
          console.warn(`${who}: skipping a file: ${(err as Error).message}; ${skipped.length} skipped so far`);
        }
        return false;
      }
    });
    const kept = idx.filter((_, i) => ok[i]);
    if (kept.length === 0) return null;
    const px = kept.length === idx.length ? pixels : compact(pixels, ok, h * w * c);
    const x = tensor(px, batchSize === null ? [h, w, c] : [kept.length, h, w, c]);
    const y = labelTensor(
      kept.map((i) => labels[i]),
      labelMode,
      classes,
    );
    if (!y) return { x };
    return { x, y: batchSize === null ? tensor(y.values, y.shape.slice(1), y.dtype) : y };
  };

  const dataset = Dataset.fromGenerator<Example>(
    async function* () {
      const order = files.map((_, i) => i);
      if (options.shuffle) new Random(options.seed + 7919 * ++pass).shuffle(order);
      const batches: number[][] = [];
      for (let s = 0; s < order.length; s += size) batches.push(order.slice(s, s + size));
      const ahead = Math.max(1, options.prefetch ?? 2);
      const inFlight: Promise<Example | null>[] = [];
      let next = 0;
      try {
        while (next < batches.length && inFlight.length < ahead) inFlight.push(loadBatch(batches[next++]));
        while (inFlight.length > 0) {
          const batch = await inFlight.shift()!;
          if (next < batches.length) inFlight.push(loadBatch(batches[next++]));
          if (batch) yield batch;
        }
      } finally {
        // a pass ended early (an error, a consumer that stopped): the batches decoding ahead are
        // dropped, and a file of theirs that fails is no unhandled rejection
        for (const p of inFlight) p.catch(() => {});
      }
    },
    Math.ceil(files.length / size),
  );
  return Object.assign(dataset, { classNames, filePaths: files.map((f) => f), skipped }) as ImageFolderDataset;
}

/** The rows of `pixels` whose `ok` flag is set. */
function compact(pixels: Float32Array, ok: boolean[], stride: number): Float32Array {
  const out = new Float32Array(ok.filter(Boolean).length * stride);
  let j = 0;
  ok.forEach((keep, i) => {
    if (keep) out.set(pixels.subarray(i * stride, (i + 1) * stride), j++ * stride);
  });
  return out;
}
