/**
 * backend.ts's routing, in Node with a stand-in for the GPU (which arrays are "on the GPU"): a
 * method without a WGSL kernel runs the TypeScript kernel on the CPU, saying so once, and lets go
 * of the GPU copies of what it touched; with an input still on the GPU it says to read it first;
 * a cut (slice, gather) from a large host array is made on the CPU, anything else on the GPU;
 * image loading's resize runs on the CPU without a notice.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { jsKernels } from "@kerno/core/backends/js/index.js";
import type { TypedArray } from "@kerno/core/tensor/dtype.js";
import { HOST_CUT_MIN, webgpuKernels } from "../src/backend.js";
import type { Gpu } from "../src/gpu.js";
import type { KernelGroup } from "../src/kernels/index.js";

/** Which arrays are on the "GPU", and which GPU copies were let go. */
function standInGpu(onGpu: TypedArray[] = []) {
  const forgotten: ArrayBufferLike[] = [];
  const gpu = { isStale: (a: TypedArray) => onGpu.includes(a), forget: (b: ArrayBuffer) => forgotten.push(b) } as unknown as Gpu;
  return { gpu, forgotten };
}

test("a method without a WGSL kernel runs on the CPU, says so once, and lets go of the GPU copies it touched", (t) => {
  const notices: string[] = [];
  t.mock.method(console, "info", (line: string) => notices.push(line));
  const { gpu, forgotten } = standInGpu();
  const kernels = webgpuKernels(gpu, []);
  assert.equal(kernels.name, "webgpu");
  const x = Float32Array.from([1, -2, 3]);
  assert.deepEqual([...kernels.unary("relu", x, 0)], [1, 0, 3]);
  assert.deepEqual([...kernels.unary("neg", x, 0)], [-1, 2, -3]);
  assert.deepEqual(notices, ["kerno: the webgpu backend runs 'unary' on the CPU (no WebGPU kernel for it yet)"]);
  assert.deepEqual(forgotten, [x.buffer, x.buffer]);
});

test("image loading's resize runs on the CPU by design, without a notice, into the batch's view", (t) => {
  const notices: string[] = [];
  t.mock.method(console, "info", (line: string) => notices.push(line));
  const { gpu, forgotten } = standInGpu();
  const kernels = webgpuKernels(gpu);
  const batch = new Float32Array(6).fill(-1);
  const src = Uint8Array.from([10, 20, 30, 40]);
  kernels.resizeBytes(src, { srcH: 2, srcW: 2, channels: 1, top: 0, left: 0, height: 2, width: 2, outH: 2, outW: 2, nearest: true }, batch.subarray(1, 5));
  assert.deepEqual([...batch], [-1, 10, 20, 30, 40, -1]);
  assert.deepEqual(notices, []);
  assert.deepEqual(forgotten, [src.buffer, batch.buffer]);
});

test("a CPU kernel whose input is still on the GPU says to read it first", () => {
  const x = Float32Array.from([1, 2]);
  const kernels = webgpuKernels(standInGpu([x]).gpu, []);
  assert.throws(
    () => kernels.unary("exp", x, 0),
    /webgpu: kernel 'unary' has no WebGPU version yet and 1 of its inputs are still on the GPU; read them first \(await tensor\.dataAsync\(\)\)/,
  );
});

test("a batch cut from a large host array is made on the CPU; from a small one or one on the GPU, on the GPU", () => {
  const onGpuCalls: number[] = [];
  const sliceOnGpu: KernelGroup = () => ({
    slice: (x, _shape, _begin, size) => {
      onGpuCalls.push(x.length);
      return new Float32Array(size.reduce((a, b) => a * b, 1));
    },
  });
  const big = new Float32Array(HOST_CUT_MIN);
  big[5] = 7;
  const small = new Float32Array(64);
  const onGpu = new Float32Array(HOST_CUT_MIN);
  const kernels = webgpuKernels(standInGpu([onGpu]).gpu, [sliceOnGpu]);
  const cut = kernels.slice(big, [HOST_CUT_MIN / 8, 8], [0, 0], [1, 8]);
  assert.deepEqual([...cut], [...jsKernels.slice(big, [HOST_CUT_MIN / 8, 8], [0, 0], [1, 8])]);
  assert.equal(cut[5], 7, "the CPU's slice");
  kernels.slice(small, [8, 8], [0, 0], [1, 8]);
  kernels.slice(onGpu, [HOST_CUT_MIN / 8, 8], [0, 0], [1, 8]);
  assert.deepEqual(onGpuCalls, [64, HOST_CUT_MIN]);
});
