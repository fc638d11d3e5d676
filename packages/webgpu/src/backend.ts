/**
 * The webgpu backend's Kernels: every method of the kernel table, on the GPU where a WGSL kernel
 * exists (kernels/), else the TypeScript kernel on the CPU with a one-time notice naming it. A
 * CPU kernel needs its inputs on the CPU: one whose inputs are still on the GPU cannot wait for
 * them synchronously, and says how to read them first.
 */
import { jsKernels } from "@kerno/core/backends/js/index.js";
import type { Kernels } from "@kerno/core/backends/kernels.js";
import type { TypedArray } from "@kerno/core/tensor/dtype.js";
import type { Gpu } from "./gpu.js";
import { KERNEL_GROUPS, type KernelGroup } from "./kernels/index.js";

type Method = (...args: unknown[]) => unknown;

/** Every typed array in a kernel's arguments or results (geometries and specs hold none; RNN state objects do). */
export function arraysIn(value: unknown, out: TypedArray[] = []): TypedArray[] {
  if (value instanceof Float32Array || value instanceof Int32Array || value instanceof Uint8Array) out.push(value);
  else if (Array.isArray(value)) for (const v of value) arraysIn(v, out);
  else if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) arraysIn(v, out);
  return out;
}

/** The CPU's kernel `name`, for a method without a WGSL kernel (`notices`: where the one-time notice is noted; null: none). */
function onCpu(gpu: Gpu, name: string, kernel: Method, notices: Set<string> | null): Method {
  return (...args: unknown[]) => {
    const arrays = arraysIn(args);
    const onGpu = arrays.filter((a) => gpu.isStale(a));
    if (onGpu.length > 0)
      throw new Error(
        `webgpu: kernel '${name}' has no WebGPU version yet and ${onGpu.length} of its inputs are still on the GPU; read them first (await tensor.dataAsync()) or use another backend for this step`,
      );
    if (notices && !notices.has(name)) {
      notices.add(name);
      console.info(`kerno: the webgpu backend runs '${name}' on the CPU (no WebGPU kernel for it yet)`);
    }
    // the CPU now holds the truth of everything the kernel touched (optimizer updates write in place)
    for (const a of arrays) gpu.forget(a.buffer as ArrayBuffer);
    return kernel(...args);
  };
}

/**
 * Kernels that belong on the CPU, run there without a notice: image loading's resize writes into
 * a batch on the CPU, synchronously, beside the decoding.
 */
export const HOST_KERNELS: ReadonlySet<string> = new Set(["resizeBytes"]);

/** Kernels that cut parts out of their first array: rows of a data set for a batch. */
const CUTS = new Set(["slice", "gather"]);
/** From a host array at least this long (4 MB of floats), a cut is made on the CPU. */
export const HOST_CUT_MIN = 1 << 20;

/**
 * A cut from a large array that is on the CPU (a data set fit takes its batches from) is made on
 * the CPU, and only the part goes to the GPU when a kernel reads it: cutting it on the GPU would
 * upload the whole set at every batch. Anything else runs `onGpu`.
 */
function cutOnHost(gpu: Gpu, onGpu: Method, onHost: Method): Method {
  return (...args: unknown[]) => {
    const source = args[0] as TypedArray;
    if (source.length >= HOST_CUT_MIN && arraysIn(args).every((a) => !gpu.isStale(a))) return onHost(...args);
    return onGpu(...args);
  };
}

/** The kernel table on `gpu`, from `groups`' WGSL kernels (all of them unless a test leaves some out). */
export function webgpuKernels(gpu: Gpu, groups: readonly KernelGroup[] = KERNEL_GROUPS): Kernels {
  const notices = new Set<string>();
  const own = Object.assign({}, ...groups.map((group) => group(gpu))) as Record<string, Method>;
  const methods: Record<string, Method> = {};
  for (const [name, kernel] of Object.entries(jsKernels)) {
    if (typeof kernel !== "function") continue;
    const onHost = (kernel as Method).bind(jsKernels);
    const mine = own[name];
    if (mine && !HOST_KERNELS.has(name)) methods[name] = CUTS.has(name) ? cutOnHost(gpu, mine, onHost) : mine;
    else methods[name] = onCpu(gpu, name, onHost, HOST_KERNELS.has(name) ? null : notices);
  }
  return { ...(methods as unknown as Kernels), name: "webgpu", bfloat16: false };
}

/** The methods that run on the GPU (the rest run on the CPU). */
export function gpuMethods(gpu: Gpu): string[] {
  return Object.keys(Object.assign({}, ...KERNEL_GROUPS.map((group) => group(gpu))));
}
