/** Fashion-MNIST (or MNIST) photos written as a new user's folder: train/ and test/ of class folders of PNGs. */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fashionMnist, type ImageDataset } from "@kerno/node/data/mnist.js";
import sharp from "sharp";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";

/** Classes by Fashion-MNIST label: 0 T-shirt/top, 1 Trouser, 8 Bag (the slash is not a folder). */
export const FASHION_FOLDERS: Record<number, string> = { 0: "T-shirt_top", 1: "Trouser", 8: "Bag" };

/** Writes the first `perClass` digits of each label in `classes` (label -> folder name) under root/train and root/test. */
export async function writeLabelledFolders(
  root: string,
  data: ImageDataset,
  classes: Record<number, string>,
  perClass: { train: number; test: number },
): Promise<void> {
  rmSync(root, { recursive: true, force: true });
  for (const [split, source] of [
    ["train", data.train],
    ["test", data.test],
  ] as const) {
    const labels = source.labels.data();
    const pixels = source.images.floats();
    for (const [label, name] of Object.entries(classes)) {
      mkdirSync(join(root, split, name), { recursive: true });
      let written = 0;
      for (let i = 0; i < labels.length && written < perClass[split]; i++) {
        if (Number(labels[i]) !== Number(label)) continue;
        const px = Buffer.from(Uint8Array.from(pixels.subarray(i * 784, (i + 1) * 784)));
        await sharp(px, { raw: { width: 28, height: 28, channels: 1 } })
          .toColourspace("b-w")
          .png()
          .toFile(join(root, split, name, `${i}.png`));
        written++;
      }
    }
  }
}

export async function makeFashionFolders(perClass: { train: number; test: number } = { train: 300, test: 100 }, classes = FASHION_FOLDERS): Promise<string> {
  const root = tempDir("kerno-fashion-");
  await writeLabelledFolders(root, await fashionMnist(), classes, perClass);
  return root;
}
