/**
 * Mixed precision (`mixedPrecision.setGlobalPolicy("mixed_bfloat16")`) against float32 on the
 * same side: VGG16's convolutional base at batch 8 and the course's MNIST CNN through fit. The
 * PyTorch side runs the same models under torch.autocast("cpu", dtype=torch.bfloat16).
 */

import { backend } from "@kerno/core/backends/registry.js";
import { VGG16 } from "../../src/applications/vgg.js";
import { mixedPrecision, randomNormal, tensor } from "../../src/index.js";
import { mnistCnnModel } from "../../src/recipes/mnist-models.js";
import { type Context, emit, fitRate, pattern, rate } from "./measure.js";

const POLICIES = ["float32", "mixed_bfloat16"] as const;

export const mixedWorkloads: Record<string, (ctx: Context) => Promise<void>> = {
  async "mixed-bfloat16"({ backendName, seconds }) {
    const x = randomNormal([8, 224, 224, 3], 0, 1, { seed: 1 });
    const images = randomNormal([3840, 28, 28, 1], 0, 1, { seed: 1 }),
      labels = tensor(pattern(3840, 10), [3840], "int32");
    for (const policy of POLICIES) {
      // the js backend would take minutes per VGG16 batch; a CPU without AVX512_BF16 has no mixed rows
      const runs = backendName === "native" && (policy === "float32" || backend().bfloat16);
      mixedPrecision.setGlobalPolicy(runs ? policy : "float32");
      const vgg = runs ? await VGG16({ weights: null, includeTop: false }) : null;
      emit(`VGG16 inference, ${policy}`, vgg ? 8 * rate(() => vgg.predict(x, { batchSize: 8 }), seconds, 2) : null);
      const cnn = mnistCnnModel();
      cnn.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy" });
      emit(`MNIST CNN training (fit), ${policy}`, runs ? await fitRate(cnn, images, labels, 64, seconds) : null);
    }
    mixedPrecision.setGlobalPolicy("float32");
  },
};
