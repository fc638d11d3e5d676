/** Whole recurrent layers over a sequence on the GPU (SimpleRNN, LSTM, GRU): forward and backward. */
import type { Kernels } from "@kerno/core/backends/kernels.js";
import type { Gpu } from "../gpu.js";
import { rnnBackward } from "./rnn-backward.js";
import { rnnForward } from "./rnn-forward.js";

export function rnnKernels(gpu: Gpu): Pick<Kernels, "rnnForward" | "rnnBackward"> {
  return {
    rnnForward: (...args) => rnnForward(gpu, ...args),
    rnnBackward: (...args) => rnnBackward(gpu, ...args),
  };
}
