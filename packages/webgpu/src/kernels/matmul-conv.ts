/**
 * Products and convolutions on the GPU: matMul (batched, broadcast batch dimensions, either
 * operand transposed) on the tiled GEMM of gemm.ts, conv2d and its gradients as implicit GEMMs
 * (conv.ts), and the depthwise convolutions (depthwise.ts). WebGPU computes in float32: asking for
 * bfloat16 products is an error, as on the wasm backend.
 */
import { batchOffsets } from "@kerno/core/backends/compiled/marshal.js";
import type { Conv2dGeometry, F32, FusedActivation, Kernels, Pool2dGeometry, Precision } from "@kerno/core/backends/kernels.js";
import { type Shape, sizeOf } from "@kerno/core/tensor/shape.js";
import type { Gpu } from "../gpu.js";
import { conv2dFilterGrad, conv2dForward, conv2dInputGrad, maxPool } from "./conv.js";
import { depthwiseKernels } from "./depthwise.js";
import { runGemm } from "./gemm.js";
import type { KernelGroup } from "./index.js";
import { maxPoolArgmax } from "./pool.js";

function float32Only(precision: Precision | undefined): void {
  if (precision === undefined || precision === "float32") return;
  throw new RangeError(
    "bfloat16 products need a CPU with AVX512_BF16 and the native backend; the webgpu backend computes in float32: use the float32 policy, or the js backend, which emulates them",
  );
}

/**
 * Each batch's offsets into a and b, in elements, interleaved (broadcast batch dimensions repeat a
 * matrix): the compiled backends' batchOffsets of each operand.
 */
function batchOffsetPairs(aShape: Shape, bShape: Shape, batchShape: Shape): Int32Array {
  // argument slots 0 and 1: both views are read here, before anything refills them
  const aOffsets = batchOffsets(aShape, batchShape, 0);
  const bOffsets = batchOffsets(bShape, batchShape, 1);
  const batches = sizeOf(batchShape);
  const pairs = new Int32Array(2 * batches);
  for (let t = 0; t < batches; t++) {
    pairs[2 * t] = aOffsets[t];
    pairs[2 * t + 1] = bOffsets[t];
  }
  return pairs;
}

function matMul(gpu: Gpu, a: F32, aShape: Shape, b: F32, bShape: Shape, transA: boolean, transB: boolean, outShape: Shape): F32 {
  const [M, N] = outShape.slice(-2);
  const K = aShape.at(transA ? -2 : -1)!;
  const batchShape = outShape.slice(0, -2);
  const batches = sizeOf(batchShape);
  const offsets = batchOffsetPairs(aShape, bShape, batchShape);
  return runGemm(gpu, {
    label: `matMul${transA ? " transA" : ""}${transB ? " transB" : ""}`,
    batches,
    M,
    N,
    K,
    inputs: [
      { name: "lhs", array: a },
      { name: "rhs", array: b },
      { name: "offsets", array: offsets, type: "u32" },
    ],
    rowA: `return vec4i(i32(offsets[2u * b]) + i32(${transA ? "m" : "m * p.K"}), 0, 0, 0);`,
    loadA: transA ? "return lhs[u32(r.x) + k * p.M];" : "return lhs[u32(r.x) + k];",
    colB: `return vec4i(i32(offsets[2u * b + 1u]) + i32(${transB ? "n * p.K" : "n"}), 0, 0, 0);`,
    loadB: transB ? "return rhs[u32(c.x) + k];" : "return rhs[u32(c.x) + k * p.N];",
    store: "out[(b * p.M + gm) * p.N + gn] = v;",
    outLength: batches * M * N,
  });
}

type ConvolutionKernels = Pick<
  Kernels,
  | "matMul"
  | "conv2d"
  | "conv2dMaxPool"
  | "conv2dMaxPoolArgmax"
  | "conv2dBackpropInput"
  | "conv2dBackpropFilter"
  | "depthwiseConv2d"
  | "depthwiseConv2dBackpropInput"
  | "depthwiseConv2dBackpropFilter"
>;

export const convolutionKernels: KernelGroup = (gpu: Gpu): ConvolutionKernels => ({
  matMul(a: F32, aShape: Shape, b: F32, bShape: Shape, transA: boolean, transB: boolean, outShape: Shape, precision?: Precision): F32 {
    float32Only(precision);
    return matMul(gpu, a, aShape, b, bShape, transA, transB, outShape);
  },
  conv2d(x: F32, w: F32, g: Conv2dGeometry, bias: F32 | null, act: FusedActivation, precision?: Precision): F32 {
    float32Only(precision);
    return conv2dForward(gpu, x, w, g, bias, act);
  },
  conv2dMaxPool(x: F32, w: F32, g: Conv2dGeometry, bias: F32 | null, act: FusedActivation, pool: Pool2dGeometry, precision?: Precision): F32 {
    float32Only(precision);
    return maxPool(gpu, conv2dForward(gpu, x, w, g, bias, act), pool);
  },
  conv2dMaxPoolArgmax(x: F32, w: F32, g: Conv2dGeometry, bias: F32 | null, act: FusedActivation, pool: Pool2dGeometry, precision?: Precision) {
    float32Only(precision);
    return maxPoolArgmax(gpu, conv2dForward(gpu, x, w, g, bias, act), pool);
  },
  conv2dBackpropInput(dy: F32, w: F32, g: Conv2dGeometry, precision?: Precision): F32 {
    float32Only(precision);
    return conv2dInputGrad(gpu, dy, w, g);
  },
  conv2dBackpropFilter(x: F32, dy: F32, g: Conv2dGeometry, precision?: Precision): F32 {
    float32Only(precision);
    return conv2dFilterGrad(gpu, x, dy, g);
  },
  ...depthwiseKernels(gpu),
});
