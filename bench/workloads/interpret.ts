/** The course's fifth part: one image through the one-pixel attack, one filter visualized. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "@kerno/node/data/cache.js";
import { TINY_DARKNET_DIR, TinyDarknet } from "../../src/applications/tiny-darknet.js";
import { onePixelAttack } from "../../src/attacks/one-pixel.js";
import { randomUniform } from "../../src/index.js";
import { visualizeFilter } from "../../src/interpret/filters.js";
import { mnistCnnModel } from "../../src/recipes/mnist-models.js";
import { type Context, emit } from "./measure.js";

export const interpretWorkloads: Record<string, (ctx: Context) => Promise<void>> = {
  async "one-pixel"({ backendName }) {
    if (backendName === "js") return emit("100 generations x 400", null);
    // the course's MNIST CNN, every one of the 100 generations of 400 candidates (no early stop)
    const model = mnistCnnModel();
    const image = randomUniform([28, 28, 1], 0, 1, { seed: 1 });
    onePixelAttack(model, image, { generations: 2, stopEarly: false });
    const start = performance.now();
    onePixelAttack(model, image, { generations: 100, stopEarly: false });
    emit("100 generations x 400", (performance.now() - start) / 1000);
  },
  async "filter-viz"({ backendName }) {
    if (backendName === "js" || !existsSync(join(dataDir(), TINY_DARKNET_DIR, "model.json"))) return emit("one filter, 56 to 224", null);
    // Tiny Darknet's last feature layer, Graetz's schedule up to the model's 224 (9 scales of 20
    // Adam steps, the default settings); warmed up as PyTorch's side is, one step at every scale
    // (each scale's convolution shapes are timed by the addon at their first call)
    const model = await TinyDarknet();
    visualizeFilter(model, "leaky_re_lu_15", 0, { preprocess: "unit", steps: 1 });
    const start = performance.now();
    visualizeFilter(model, "leaky_re_lu_15", 0, { preprocess: "unit" });
    emit("one filter, 56 to 224", (performance.now() - start) / 1000);
  },
};
