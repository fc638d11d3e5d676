/**
 * A user's folder of photos, read as a new user would lay it out: train/ validation/ test/ splits
 * of class folders, train/ and test/ (validation taken from train), or just class folders
 * (validation taken from them). The image size and colour come from the photos themselves;
 * files that are not images are listed, counted and left alone; nothing is written to the folder.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { extname, join, relative, resolve, sep } from "node:path";
import type { Dataset, Example } from "@kerno/core/data/dataset.js";
import { concat } from "@kerno/core/ops/shape.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { IMAGE_EXTENSIONS, type ImageFolderDataset, type ImageFolderOptions, imageDatasetFromDirectory } from "@kerno/node/data/image-folder.js";
import { sharpLib } from "@kerno/node/util/lazy-modules.js";

export type FolderLayout = "train/validation/test" | "train/test" | "class folders";

export interface OwnImages {
  root: string;
  layout: FolderLayout;
  classNames: string[];
  /** Training images per class, in class order. */
  trainCounts: number[];
  train: ImageFolderDataset;
  validation: ImageFolderDataset;
  test: ImageFolderDataset | null;
  /** Files in the class folders that are not images kerno reads (left where they are). */
  ignored: string[];
}

const who = "kerno train --images";

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Every file under `dir` whose extension is not an image kerno decodes. */
function nonImages(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...nonImages(path));
    else if (!IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()) && !e.name.startsWith(".")) out.push(path);
  }
  return out;
}

export function folderLayout(root: string): FolderLayout {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${who}: ${root} is not a folder`);
  const has = (d: string) => existsSync(join(root, d)) && statSync(join(root, d)).isDirectory();
  if (has("train") && has("validation")) return "train/validation/test";
  if (has("train") && has("test")) return "train/test";
  return "class folders";
}

/** The input side kerno picks at most from the photos (--size goes beyond). */
export const LARGEST_SIDE = 180;

/** The median photo's shorter side (capped at `largest`) and whether the photos are grayscale, from up to 24 of them. */
export async function photoShape(files: string[], largest = LARGEST_SIDE): Promise<{ size: [number, number]; colorMode: "rgb" | "grayscale" }> {
  const { median, colorMode } = await photoLooks(files);
  const side = Math.min(largest, median);
  return { size: [side, side], colorMode };
}

/** The median shorter side (not capped) and the colour of up to 24 of the photos, spread over the list. */
async function photoLooks(files: string[]): Promise<{ median: number; colorMode: "rgb" | "grayscale" }> {
  const step = Math.max(1, Math.floor(files.length / 24));
  const sample = files.filter((_, i) => i % step === 0).slice(0, 24);
  const looks = (await Promise.all(sample.map((f) => look(f).catch(() => null)))).filter((l) => l !== null);
  if (looks.length === 0) throw new Error(`${who}: none of ${sample.length} sampled files decodes as an image (${sample[0]} ...)`);
  const sides = looks.map((l) => l.side).sort((a, b) => a - b);
  const gray = looks.filter((l) => l.gray).length;
  return { median: sides[Math.floor(sides.length / 2)], colorMode: gray >= 0.9 * looks.length ? "grayscale" : "rgb" };
}

/** A photo's shorter side, and whether it is gray: one channel, or three that agree (a gray photo saved as RGB). */
async function look(file: string): Promise<{ side: number; gray: boolean }> {
  const meta = await sharpLib()(file).metadata();
  const side = Math.min(meta.width ?? 0, meta.height ?? 0);
  if (!side) throw new Error(`${file} has no size`);
  if ((meta.channels ?? 3) <= 2 || meta.space === "b-w") return { side, gray: true };
  const px = await sharpLib()(file).removeAlpha().resize(32, 32, { fit: "fill" }).raw().toBuffer();
  for (let i = 0; i < px.length; i += 3) if (Math.abs(px[i] - px[i + 1]) > 3 || Math.abs(px[i] - px[i + 2]) > 3) return { side, gray: false };
  return { side, gray: true };
}

function classCounts(data: ImageFolderDataset, splitRoot: string): number[] {
  const counts = data.classNames.map(() => 0);
  for (const f of data.filePaths) counts[data.classNames.indexOf(relative(splitRoot, f).split(sep)[0])]++;
  return counts;
}

export interface OwnImageOptions {
  /** [h, w], or read from the photos. */
  size?: [number, number];
  colorMode?: "rgb" | "grayscale";
  batchSize: number;
  seed: number;
  log: (line: string) => void;
}

/** The folder's training, validation and (when there is one) test data, at the size the photos suggest. */
export async function ownImages(
  dir: string,
  options: OwnImageOptions,
): Promise<OwnImages & { size: [number, number]; colorMode: "rgb" | "grayscale"; photoSide: number }> {
  const root = resolve(dir);
  const layout = folderLayout(root);
  const trainRoot = layout === "class folders" ? root : join(root, "train");
  const classes = subfolders(trainRoot);
  if (classes.length === 0)
    throw new Error(`${who}: ${trainRoot} has no class folders; put each class's photos in a folder of its own (${trainRoot}/<class>/photo.jpg)`);
  if (classes.length === 1) throw new Error(`${who}: ${trainRoot} has one class folder ('${classes[0]}'); a classifier needs at least two`);
  const ignored = nonImages(trainRoot);
  for (const split of ["validation", "test"]) if (layout !== "class folders" && existsSync(join(root, split))) ignored.push(...nonImages(join(root, split)));
  if (ignored.length > 0)
    options.log(
      `skipping ${ignored.length} file(s) that are not images (${IMAGE_EXTENSIONS.join(" ")}): ${ignored.slice(0, 5).join(", ")}${ignored.length > 5 ? ", ..." : ""}`,
    );
  const common: Omit<ImageFolderOptions, "subset"> = {
    labelMode: "int",
    batchSize: options.batchSize,
    seed: options.seed,
    onBadFile: "skip",
    classNames: classes,
  };
  const probe = imageDatasetFromDirectory(trainRoot, { ...common, log: () => {} });
  const looks = await photoLooks(probe.filePaths);
  const side = Math.min(LARGEST_SIDE, looks.median);
  const size = options.size ?? [side, side];
  const colorMode = options.colorMode ?? looks.colorMode;
  const load = (path: string, name: string, extra: Omit<ImageFolderOptions, "subset">) =>
    imageDatasetFromDirectory(path, { ...common, imageSize: size, colorMode, log: (l) => options.log(`${name}: ${l}`), ...extra });
  let train: ImageFolderDataset, validation: ImageFolderDataset;
  if (layout === "train/validation/test") {
    train = load(trainRoot, "train", { shuffle: true });
    validation = load(join(root, "validation"), "validation", { shuffle: false });
  } else {
    // Keras's split: 20% of the (shuffled) training files, the same ones every run for a given seed
    const both = { validationSplit: 0.2, subset: "both" as const, shuffle: true };
    [train, validation] = imageDatasetFromDirectory(trainRoot, { ...common, imageSize: size, colorMode, log: (l) => options.log(`train: ${l}`), ...both });
  }
  const test = layout !== "class folders" && existsSync(join(root, "test")) ? load(join(root, "test"), "test", { shuffle: false }) : null;
  return {
    root,
    layout,
    classNames: classes,
    trainCounts: classCounts(train, trainRoot),
    train,
    validation,
    test,
    ignored,
    size,
    colorMode,
    photoSide: looks.median,
  };
}

/** All of a dataset's examples as two tensors (for class balancing, which needs every label at once). */
export async function materialize(data: Dataset<Example>): Promise<{ x: Tensor; y: Tensor }> {
  const xs: Tensor[] = [],
    ys: Tensor[] = [];
  for await (const batch of data) {
    xs.push(batch.x as Tensor);
    ys.push(batch.y as Tensor);
  }
  return { x: concat(xs, 0), y: concat(ys, 0) };
}
