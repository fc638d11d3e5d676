/**
 * The WebGPU kernels by group. A group is a function of the Gpu giving the kernel-table methods
 * it implements; backend.ts serves every other method from the TypeScript kernels on the CPU.
 */
import type { Kernels } from "@kerno/core/backends/kernels.js";
import type { Gpu } from "../gpu.js";
import { elementwiseKernels } from "./elementwise.js";
import { indexingKernels } from "./indexing.js";
import { convolutionKernels } from "./matmul-conv.js";
import { movementKernels } from "./movement.js";
import { poolResizeKernels } from "./pool-resize.js";
import { rnnKernels } from "./rnn.js";
import { softmaxOptimKernels } from "./softmax-optim.js";
import { unaryKernels } from "./unary.js";

export type KernelGroup = (gpu: Gpu) => Partial<Omit<Kernels, "name" | "bfloat16">>;

export const KERNEL_GROUPS: readonly KernelGroup[] = [
  unaryKernels,
  elementwiseKernels,
  indexingKernels,
  convolutionKernels,
  poolResizeKernels,
  softmaxOptimKernels,
  rnnKernels,
  movementKernels,
];
