/**
 * A suite of class folders for `kerno train --images` that nobody here tuned for (issue 26):
 * generated ones (shapes, textures, colours, digits), seeded so that every run writes the same
 * bytes, and real ones written from the shared data sets as PNG folders. Nothing is written into
 * the repository: the folders go under /tmp/own-data/ (or the folder given).
 *
 *   node --conditions=kerno-source --import tsx bench/own-data/make-folders.ts [OUT] [--only shapes,digits,...]
 *
 * | folder | classes | photos | size | colour | layout |
 * |---|---|---|---|---|---|
 * | shapes | circle, square, triangle | 100 train + 25 test per class, one corrupt .jpg, one .txt | 40-90 px, not all square | rgb, JPEG | train/test |
 * | shapes80 | the same, drawn with another seed | 80 train + 20 test per class | as shapes | rgb, JPEG | train/test |
 * | textures | hstripes, vstripes, checker, dots | 100 per class | 32-64 px | rgb, PNG | class folders |
 * | colours | red, green, blue, yellow | 15 train + 10 test per class | 28-40 px | rgb, PNG | train/test |
 * | digits | 0-9, a 5x7 font drawn at random places and scales | 80 train + 20 test per class | 48-72 px | gray, PNG | train/test |
 * | mnist | MNIST digits | 200 train + 50 test per class | 28 px | gray, PNG | train/test |
 * | fashion3 | Fashion-MNIST T-shirt_top, Trouser, Bag (as test/helpers/fashion-folders.ts) | 300 train + 100 test per class | 28 px | gray, PNG | train/test |
 * | fashion10 | Fashion-MNIST, all ten | 500 train + 100 test per class | 28 px | gray, PNG | train/test |
 *
 * cats_and_dogs_small is already a folder: /work/shared/datasets/cats_and_dogs_small.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { makeColours, makeDigits, makeShapes, makeTextures } from "../../test/helpers/drawn-folders.js";
import { writeLabelledFolders } from "../../test/helpers/fashion-folders.js";

const FASHION = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"];

/** MNIST or Fashion-MNIST digits as PNG folders: the first `train`/`test` of each chosen label. */
async function makeIdxFolders(root: string, which: "mnist" | "fashion", labels: number[], train: number, test: number): Promise<string> {
  // the data folder as the tests find it (KERNO_DATA_DIR, else ../shared/datasets)
  const { checkoutDataDir } = await import("../../scripts/data-dir.mjs");
  const found = checkoutDataDir();
  if (found) process.env.KERNO_DATA_DIR = found;
  const { mnist, fashionMnist } = await import("@kerno/node/data/mnist.js");
  const data = which === "mnist" ? await mnist() : await fashionMnist();
  const names = Object.fromEntries(labels.map((l) => [l, which === "mnist" ? String(l) : FASHION[l]]));
  await writeLabelledFolders(root, data, names, { train, test });
  return root;
}
const ALL10 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

export const SUITE: Record<string, (root: string) => Promise<string>> = {
  shapes: (root) => makeShapes(root),
  shapes80: (root) => makeShapes(root, { train: 80, test: 20, seed: 126 }),
  textures: (root) => makeTextures(root),
  colours: (root) => makeColours(root),
  digits: (root) => makeDigits(root),
  mnist: (root) => makeIdxFolders(root, "mnist", ALL10, 200, 50),
  fashion3: (root) => makeIdxFolders(root, "fashion", [0, 1, 8], 300, 100),
  fashion10: (root) => makeIdxFolders(root, "fashion", ALL10, 500, 100),
};

async function main(argv: string[]): Promise<void> {
  const out = argv.find((a) => !a.startsWith("--")) ?? "/tmp/own-data";
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? argv[onlyAt + 1].split(",") : Object.keys(SUITE);
  for (const name of only) {
    if (!SUITE[name]) throw new Error(`make-folders: unknown folder '${name}' (${Object.keys(SUITE).join(", ")})`);
    const started = performance.now();
    const root = await SUITE[name](join(out, name));
    console.log(`${root}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  if (existsSync("/work/shared/datasets/cats_and_dogs_small")) console.log("cats_and_dogs_small: /work/shared/datasets/cats_and_dogs_small (already a folder)");
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
