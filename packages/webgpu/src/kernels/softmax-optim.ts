/** The softmax family, the losses (softmax.ts) and the optimizer updates (optimizers.ts) as one group. */
import type { Gpu } from "../gpu.js";
import type { KernelGroup } from "./index.js";
import { optimizerKernels } from "./optimizers.js";
import { softmaxKernels } from "./softmax.js";

export const softmaxOptimKernels: KernelGroup = (gpu: Gpu) => ({ ...softmaxKernels(gpu), ...optimizerKernels(gpu) });
