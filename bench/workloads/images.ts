/** The image half of the course: training at 180x180, decoding photo folders, a pretrained base. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "@kerno/node/data/cache.js";
import { imageDatasetFromDirectory } from "@kerno/node/data/image-folder.js";
import { TINY_DARKNET_DIR, TinyDarknet } from "../../src/applications/tiny-darknet.js";
import { randomUniform, type Tensor, tensor } from "../../src/index.js";
import { catsVsDogsModel } from "../../src/recipes/cats-vs-dogs.js";
import { type Context, emit, fitRate, rate } from "./measure.js";

export const imageWorkloads: Record<string, (ctx: Context) => Promise<void>> = {
  async "cats-vs-dogs-cnn"({ backendName, seconds }) {
    if (backendName === "js") return emit("training (fit)", null);
    const model = catsVsDogsModel();
    model.compile({ optimizer: "rmsprop", loss: "binary_crossentropy" });
    // three distinct batches of 32 photo-sized inputs
    const x = randomUniform([96, 180, 180, 3], 0, 255, { seed: 1 });
    const y = tensor(
      Float32Array.from({ length: 96 }, (_, i) => i % 2),
      [96, 1],
    );
    emit("training (fit)", await fitRate(model, x, y, 32, seconds));
  },
  async "image-folder"({ backendName }) {
    const dir = join(dataDir(), "cats_and_dogs_small", "train");
    if (backendName === "js" || !existsSync(dir)) return emit("decode + resize", null);
    const start = performance.now();
    let n = 0;
    for await (const b of imageDatasetFromDirectory(dir, { imageSize: [180, 180], batchSize: 32, shuffle: false, log: () => {} }))
      n += (b.x as Tensor).shape[0];
    emit("decode + resize", n / ((performance.now() - start) / 1000));
  },
  async "tiny-darknet"({ backendName, seconds }) {
    if (backendName === "js" || !existsSync(join(dataDir(), TINY_DARKNET_DIR, "model.json"))) return emit("feature extraction", null);
    const base = await TinyDarknet({ includeTop: false });
    const x = randomUniform([32, 224, 224, 3], 0, 1, { seed: 1 });
    emit("feature extraction", 32 * rate(() => base.predict(x, { batchSize: 32 }), seconds, 2));
  },
};
