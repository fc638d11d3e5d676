/** A tiny cats_and_dogs_small look-alike: train/validation/test folders of cats (reddish) and dogs (bluish) JPEGs. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { tempDir } from "../../../core/test/helpers/tmp.js";

export async function makePhotoSplits(perClass: Record<string, number> = { train: 8, validation: 4, test: 4 }): Promise<string> {
  const root = tempDir();
  let seed = 1;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (const [split, count] of Object.entries(perClass)) {
    for (const [cls, tint] of [
      ["cats", [200, 60, 40]],
      ["dogs", [40, 60, 200]],
    ] as const) {
      mkdirSync(join(root, split, cls), { recursive: true });
      for (let i = 0; i < count; i++) {
        const w = 30 + (i % 3) * 7,
          h = 24 + (i % 2) * 9;
        const px = Buffer.alloc(w * h * 3);
        for (let p = 0; p < w * h; p++) for (let k = 0; k < 3; k++) px[p * 3 + k] = Math.min(255, tint[k] * (0.6 + 0.4 * rand()) + 30 * rand());
        await sharp(px, { raw: { width: w, height: h, channels: 3 } })
          .jpeg()
          .toFile(join(root, split, cls, `${cls}.${i}.jpg`));
      }
    }
  }
  return root;
}
