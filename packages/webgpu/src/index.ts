/**
 * @kerno/webgpu: kerno's kernels as WebGPU compute shaders, tensors kept on the GPU between ops.
 * `await registerWebGpu()` finds an adapter (navigator.gpu in a browser; in Node, the `webgpu`
 * package where it is installed) and registers the "webgpu" backend; then `setBackend("webgpu")`.
 * Its tensors' values come to the CPU when read: `await tensor.dataAsync()` (data() throws until
 * then); fit, evaluate and predict's callers read what they need once per batch.
 */
/// <reference types="@webgpu/types" />
import { registerBackend } from "@kerno/core/backends/registry.js";
import { addDeviceArrays } from "@kerno/core/tensor/device.js";
import { webgpuKernels } from "./backend.js";
import { Gpu } from "./gpu.js";

export { gpuMethods, webgpuKernels } from "./backend.js";
export { Gpu, type GpuStats } from "./gpu.js";

/** navigator.gpu in a browser or worker; in Node, the `webgpu` package's (Dawn) when it is installed. */
async function gpuApi(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string";
  if (!isNode) throw new Error("this browser has no WebGPU (navigator.gpu is missing)");
  const name = "webgpu";
  let dawn: { create(options: string[]): GPU };
  try {
    dawn = (await import(/* @vite-ignore */ name)) as typeof dawn;
  } catch (err) {
    throw new Error(`WebGPU in Node needs the 'webgpu' package (npm install webgpu): ${(err as Error).message}`);
  }
  return dawn.create([]);
}

/** A GPU device with the adapter's largest buffer limits (the defaults cap a binding at 128 MiB). */
export async function requestGpu(): Promise<Gpu> {
  const api = await gpuApi();
  const adapter = await api.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new Error("WebGPU found no adapter (no GPU, or its driver lacks a feature WebGPU needs)");
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  const info = (adapter as { info?: { vendor?: string; architecture?: string; description?: string } }).info;
  return new Gpu(device, [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(" ") || "a WebGPU adapter");
}

/** The adapter a device would come from, or why there is none (`kerno doctor`); nothing is registered. */
export async function probeWebGpu(): Promise<{ adapter: string } | { error: string }> {
  try {
    const gpu = await requestGpu();
    const adapter = gpu.adapter;
    gpu.device.destroy();
    return { adapter };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

let registered: Promise<Gpu> | null = null;

/** Finds a GPU and registers the "webgpu" backend (once); gives the Gpu (stats, the adapter's device). */
export function registerWebGpu(): Promise<Gpu> {
  registered ??= requestGpu()
    .then((gpu) => {
      const kernels = webgpuKernels(gpu);
      addDeviceArrays(gpu);
      registerBackend("webgpu", () => kernels, 0);
      // a lost device (a driver reset, the GPU taken away) is not the end: the next call asks for a
      // new one (the lost one's store stays, so that reading its arrays says they are lost)
      gpu.device.lost.then(() => {
        registered = null;
      });
      return gpu;
    })
    .catch((err: unknown) => {
      // no adapter now (a denied request, a busy GPU) need not mean none later: the next call tries again
      registered = null;
      throw err;
    });
  return registered;
}
