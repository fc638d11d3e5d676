/** Pooling, resizing and image transforms on the GPU: the three files' kernels as one group. */
import type { Gpu } from "../gpu.js";
import type { KernelGroup } from "./index.js";
import { poolKernels } from "./pool.js";
import { resizeKernels } from "./resize.js";
import { transformKernels } from "./transform.js";

export const poolResizeKernels: KernelGroup = (gpu: Gpu) => ({ ...poolKernels(gpu), ...resizeKernels(gpu), ...transformKernels(gpu) });
