/**
 * What the image recipes share: the course's photo folders (train/validation/test of class
 * subfolders) as datasets, kept in memory as bytes where they are read more than once, and the
 * learning curves.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CompactStore, keepingPass, MemoryBudget } from "@kerno/core/data/compact-store.js";
import { type CacheOptions, Dataset, type Example } from "@kerno/core/data/dataset.js";
import { splitRows } from "@kerno/core/data/element-batching.js";
import { Random } from "@kerno/core/tensor/random.js";
import { dataDir } from "@kerno/node/data/cache.js";
import { type ImageFolderDataset, imageDatasetFromDirectory } from "@kerno/node/data/image-folder.js";
import { saveChart } from "../util/charts.js";

export interface ImageSplits {
  dir: string;
  classNames: string[];
  train: Dataset<Example>;
  validation: Dataset<Example>;
  test: Dataset<Example> | null;
  counts: { train: number; validation: number; test: number };
}

export type SplitName = "train" | "validation" | "test";

export interface ImageSplitsOptions {
  /**
   * The splits the caller reads in one pass only (default ["test"]: evaluated once, at the end):
   * they stream from the folder and nothing of them is kept. The others are decoded once and kept
   * as bytes, within one memory budget.
   */
  readOnce?: readonly SplitName[];
}

/**
 * The folder's train/ validation/ (and test/) splits at `size`; the splits read more than once
 * are decoded once and kept in memory as bytes, and the training images are reshuffled into new
 * batches every epoch.
 */
export function imageSplits(
  dir: string,
  size: [number, number],
  batchSize: number,
  seed: number,
  log: (l: string) => void,
  options: ImageSplitsOptions = {},
): ImageSplits {
  const root = resolve(dir);
  for (const split of ["train", "validation"]) {
    if (!existsSync(join(root, split)))
      throw new Error(`image data: ${root} needs train/ and validation/ folders (each with one subfolder per class); ${split}/ is missing`);
  }
  const load = (split: string, shuffle: boolean): ImageFolderDataset =>
    imageDatasetFromDirectory(join(root, split), { imageSize: size, batchSize, labelMode: "binary", shuffle, seed, log: (l) => log(`${split}: ${l}`) });
  const train = load("train", true);
  // one budget for the caches: together they stay within it
  const budget = new MemoryBudget();
  const once = new Set(options.readOnce ?? ["test"]);
  const kept = (split: SplitName, data: Dataset<Example>) => (once.has(split) ? data : data.cache({ maxBytes: budget, log: (l) => log(`${split}: ${l}`) }));
  const validation = load("validation", false);
  const test = existsSync(join(root, "test")) ? load("test", false) : null;
  return {
    dir: root,
    classNames: train.classNames,
    train: once.has("train") ? train : reshuffledCache(train, batchSize, seed, { maxBytes: budget, log: (l) => log(`train: ${l}`) }),
    validation: kept("validation", validation),
    test: test && kept("test", test),
    counts: { train: train.filePaths.length, validation: validation.filePaths.length, test: test?.filePaths.length ?? 0 },
  };
}

/**
 * The first pass streams the folder's batches (decoding overlaps training) and keeps their images,
 * as bytes (core's CompactStore: decoded pixels are whole numbers 0..255); later passes deal the
 * kept images into new batches in a new order: cache-then-shuffle without waiting for the whole
 * folder to decode first. When the kept images would pass `maxBytes` (default: half the available
 * memory, at most 512 MiB) nothing is kept and every pass decodes the folder again (whose dataset reshuffles its
 * files each pass), which `log` is told once.
 */
export function reshuffledCache(data: Dataset<Example>, batchSize: number, seed: number, options: CacheOptions = {}): Dataset<Example> {
  const log = options.log ?? console.log;
  let kept: CompactStore<Example> | null = null;
  let overBudget = false;
  let pass = 0;
  return Dataset.fromGenerator(async function* () {
    pass++;
    if (kept) {
      const store = kept;
      const order = Array.from({ length: store.length }, (_, i) => i);
      new Random(seed + pass).shuffle(order);
      for (let s = 0; s < order.length; s += batchSize) yield store.stack(order.slice(s, s + batchSize));
      return;
    }
    if (overBudget) {
      yield* data;
      return;
    }
    kept = yield* keepingPass(
      data,
      options.maxBytes,
      (batch) => splitRows(batch) as Example[],
      (maxBytes) => {
        overBudget = true;
        log(`the decoded images pass the memory budget of ${(maxBytes / 2 ** 20).toFixed(0)} MB: every epoch decodes the folder again`);
      },
    );
  }, data.cardinality);
}

/** The course's data: cats_and_dogs_small in the data cache, unless --images names another folder. */
export function catsAndDogsDir(flags: Record<string, string | boolean>): string {
  return typeof flags.images === "string" ? flags.images : join(dataDir(), "cats_and_dogs_small");
}

/** Loss and accuracy, training and validation, per epoch, as two SVG charts. */
export async function saveCurves(history: Record<string, number[]>, out: string, title: string, png: boolean): Promise<string[]> {
  const charts: string[] = [];
  for (const metric of ["loss", "accuracy"]) {
    const train = history[metric] ?? [],
      val = history[`val_${metric}`] ?? [];
    if (!train.length) continue;
    const epochs = train.map((_, i) => i + 1);
    charts.push(
      ...(await saveChart(
        {
          title: `${title}: ${metric}`,
          xTitle: "epoch",
          yTitle: metric,
          series: [
            { name: "training", x: epochs, y: train, dashed: true },
            { name: "validation", x: epochs.slice(0, val.length), y: val },
          ],
        },
        join(out, `${metric}.svg`),
        { png },
      )),
    );
  }
  return charts;
}
