/// <reference types="@webgpu/types" />
/**
 * The GPU side of the webgpu backend: where each array's values live, compute dispatches, and
 * reading back. Kernels return ordinary typed arrays of the right length (placeholders) whose
 * values stay on the GPU: the next kernel binds the same GPU buffer, and the CPU copy is filled
 * only when someone reads it (`await tensor.dataAsync()`, fit once per batch). Every element is 4
 * bytes on the GPU: f32, i32, and bool as u32 (Uint8Array on the CPU).
 *
 * A GPU buffer belongs to the CPU array's ArrayBuffer: when the garbage collector takes the
 * placeholder, its buffer goes back to a free list by size, which the next outputs take from, so
 * GPU memory stops growing once a training step's arrays have been made (`stats()` says how much
 * is allocated).
 */

import type { DeviceArrays } from "@kerno/core/tensor/device.js";
import type { DType, TypedArray } from "@kerno/core/tensor/dtype.js";
import { bytesOnGpu, download } from "./readback.js";

/** Where an array's current values are: only on the GPU, or on both (held for a while). */
type Where = "device" | "both";

interface Slot {
  gpu: GPUBuffer | null;
  where: Where;
  /** Counts writes on the GPU: a read that finds it changed after its await reads again. */
  version: number;
}

/** A scalar of a kernel's uniform block, in the order of the WGSL struct's fields (each 4 bytes). */
export interface Param {
  type: "u32" | "i32" | "f32";
  value: number;
}
export const u32 = (value: number): Param => ({ type: "u32", value });
export const i32 = (value: number): Param => ({ type: "i32", value });
export const f32 = (value: number): Param => ({ type: "f32", value });

export interface OutputSpec {
  dtype: DType;
  length: number;
}

/**
 * One compute dispatch. Bindings of group 0, in this order: `inputs` (declare them
 * `var<storage, read>`), `inouts` (`read_write`, updated in place: optimizer slots), `outputs`
 * (`read_write`, new arrays), then the uniform block of `params` when there are any. A shader
 * must use every binding it declares (layouts are derived from the shader).
 */
export interface Launch {
  /** The kernel's name, for errors and pipeline labels. */
  label: string;
  code: string;
  inputs?: readonly TypedArray[];
  inouts?: readonly TypedArray[];
  outputs?: readonly OutputSpec[];
  params?: readonly Param[];
  /** Workgroups in x, y, z (each at most 65535: grid() in wgsl.ts spreads a long 1-D range over y). */
  workgroups: readonly number[];
}

const CONSTRUCTORS = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;
/** Free buffers are kept by size class (a power of two), so that near sizes share them. */
const sizeClass = (bytes: number): number => 2 ** Math.ceil(Math.log2(Math.max(256, bytes)));
/** The most free GPU memory kept for reuse; more is destroyed. */
const FREE_LIMIT_BYTES = 512 * 1024 * 1024;

/** A bool array's bytes as u32 for the GPU; other arrays as they are. */
function gpuView(a: TypedArray): ArrayBufferView<ArrayBuffer> {
  return (a instanceof Uint8Array ? Uint32Array.from(a) : a) as ArrayBufferView<ArrayBuffer>;
}

export interface GpuStats {
  /** Bytes of GPU buffers that exist now (in use or free for reuse). */
  allocatedBytes: number;
  /** Of those, bytes free for reuse. */
  freeBytes: number;
  dispatches: number;
}

export class Gpu implements DeviceArrays {
  readonly name = "webgpu";
  private readonly slots = new WeakMap<ArrayBuffer, Slot>();
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly finalizer = new FinalizationRegistry<Slot>((slot) => this.release(slot));
  private allocated = 0;
  private freeBytes = 0;
  private dispatches = 0;
  private errors: string[] = [];
  /** Why the device is gone, once it is: every later dispatch, copy and read says so. */
  private lost: string | null = null;

  /** `device` from an adapter described by `adapter` (its vendor and architecture, for messages). */
  constructor(
    readonly device: GPUDevice,
    readonly adapter = "a WebGPU adapter",
  ) {
    device.addEventListener("uncapturederror", (e) => this.errors.push((e as GPUUncapturedErrorEvent).error.message));
    device.lost.then((info) => {
      this.lost = `the GPU device was lost (${info.reason}): ${info.message}`;
    });
  }

  stats(): GpuStats {
    return { allocatedBytes: this.allocated, freeBytes: this.freeBytes, dispatches: this.dispatches };
  }

  isStale(a: TypedArray): boolean {
    return this.slots.get(a.buffer as ArrayBuffer)?.where === "device";
  }

  /** Runs one dispatch and gives its new outputs (placeholders whose values are on the GPU). */
  run(launch: Launch): TypedArray[] {
    // an earlier dispatch's error, as near its cause as the asynchronous reports allow
    this.throwErrors();
    const temps: GPUBuffer[] = [];
    const entries: GPUBindGroupEntry[] = [];
    const bind = (buffer: GPUBuffer, size: number) => entries.push({ binding: entries.length, resource: { buffer, size } });
    for (const a of launch.inputs ?? []) bind(this.bufferFor(a, temps), bytesOnGpu(a.length));
    for (const a of launch.inouts ?? []) bind(this.ownedBuffer(a, launch.label), bytesOnGpu(a.length));
    const outputs = (launch.outputs ?? []).map((spec) => {
      const out = new CONSTRUCTORS[spec.dtype](spec.length);
      bind(this.attach(out, "device"), bytesOnGpu(spec.length));
      return out;
    });
    let uniform: GPUBuffer | null = null;
    if (launch.params?.length) {
      const block = new ArrayBuffer(Math.ceil((launch.params.length * 4) / 16) * 16);
      const view = new DataView(block);
      launch.params.forEach((p, i) => {
        if (p.type === "f32") view.setFloat32(i * 4, p.value, true);
        else if (p.type === "i32") view.setInt32(i * 4, p.value, true);
        else view.setUint32(i * 4, p.value, true);
      });
      uniform = this.device.createBuffer({ size: block.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      this.device.queue.writeBuffer(uniform, 0, block);
      bind(uniform, block.byteLength);
    }
    for (const a of launch.inouts ?? []) this.written(a);
    const [x, y = 1, z = 1] = launch.workgroups;
    if (x > 0 && y > 0 && z > 0) {
      const pipeline = this.pipeline(launch.label, launch.code);
      const encoder = this.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
      pass.dispatchWorkgroups(x, y, z);
      pass.end();
      this.device.queue.submit([encoder.finish()]);
      this.dispatches++;
    }
    // the queue runs in order: a later upload or dispatch into these buffers comes after this one
    for (const t of temps) this.giveBack(t);
    uniform?.destroy();
    return outputs;
  }

  /** Brings stale arrays' values to the CPU and lets go of the GPU copies of all of `arrays`. */
  async read(arrays: readonly TypedArray[]): Promise<void> {
    this.throwErrors();
    const buffers = new Map<ArrayBuffer, TypedArray>();
    for (const a of arrays) {
      const buffer = a.buffer as ArrayBuffer;
      if (this.slots.has(buffer)) buffers.set(buffer, a);
    }
    const staleOnes = () => [...buffers].filter(([buffer]) => this.slots.get(buffer)?.where === "device");
    // a dispatch queued while a read awaits (another async caller) may write an array again, or a
    // caller may let its GPU copy go: each copy lands only if its slot is unchanged; read until current
    for (let round = 0; round < 4; round++) {
      const stale = staleOnes();
      if (stale.length === 0) break;
      const items = stale.map(([buffer, a]) => {
        const slot = this.slots.get(buffer)!;
        const version = slot.version;
        // whole ArrayBuffers: a view of a placeholder (a row slice) reads its whole array
        const target = a instanceof Uint8Array ? new Uint8Array(buffer) : new (a.constructor as typeof Float32Array)(buffer);
        const source = () => (this.slots.get(buffer) === slot && slot.version === version ? slot.gpu : null);
        return { target, source, slot };
      });
      const filled = await download(this.device, items);
      items.forEach((item, i) => {
        if (filled[i]) item.slot.where = "both";
      });
    }
    this.throwErrors();
    const still = staleOnes().length;
    if (still > 0) throw new Error(`webgpu read: ${still} of ${buffers.size} arrays were written again during each of 4 reads`);
    for (const buffer of buffers.keys()) this.forget(buffer);
  }

  hold(arrays: readonly TypedArray[]): void {
    for (const a of arrays) {
      if (this.slots.has(a.buffer as ArrayBuffer) || !ownsBuffer(a)) continue;
      this.device.queue.writeBuffer(this.attach(a, "both"), 0, gpuView(a));
    }
  }

  discard(arrays: readonly TypedArray[]): void {
    for (const a of arrays) this.forget(a.buffer as ArrayBuffer);
  }

  copy(target: TypedArray, source: TypedArray): void {
    this.throwErrors();
    const to = this.ownedBuffer(target, "assign", false);
    const temps: GPUBuffer[] = [];
    const from = this.bufferFor(source, temps);
    if (target.length > 0 && from !== to) {
      const encoder = this.device.createCommandEncoder();
      encoder.copyBufferToBuffer(from, 0, to, 0, target.length * 4);
      this.device.queue.submit([encoder.finish()]);
    }
    this.written(target);
    for (const t of temps) this.giveBack(t);
  }

  /** Drops the GPU copy of an array that the CPU now holds the truth of. */
  forget(buffer: ArrayBuffer): void {
    const slot = this.slots.get(buffer);
    if (!slot) return;
    this.slots.delete(buffer);
    this.finalizer.unregister(slot);
    this.release(slot);
  }

  /** GPU errors (a shader that does not compile, a bad binding) since the last check, as one exception. */
  throwErrors(): void {
    if (this.lost) throw new Error(`webgpu: ${this.lost}`);
    if (this.errors.length === 0) return;
    const errors = this.errors;
    this.errors = [];
    throw new Error(`webgpu: ${errors.join("\n")}`);
  }

  private pipeline(label: string, code: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (!p) {
      const module = this.device.createShaderModule({ label, code });
      p = this.device.createComputePipeline({ label, layout: "auto", compute: { module, entryPoint: "main" } });
      this.pipelines.set(code, p);
    }
    return p;
  }

  /** The buffer that holds `a`'s current values for reading: its own on the GPU, else a temporary upload. */
  private bufferFor(a: TypedArray, temps: GPUBuffer[]): GPUBuffer {
    const slot = this.slots.get(a.buffer as ArrayBuffer);
    if (slot?.gpu) {
      if (a.byteOffset === 0) return slot.gpu;
      // a view into a GPU array: its part copied to the front of a temporary buffer
      const temp = this.acquire(bytesOnGpu(a.length));
      const encoder = this.device.createCommandEncoder();
      encoder.copyBufferToBuffer(slot.gpu, (a.byteOffset / a.BYTES_PER_ELEMENT) * 4, temp, 0, a.length * 4);
      this.device.queue.submit([encoder.finish()]);
      temps.push(temp);
      return temp;
    }
    const temp = this.acquire(bytesOnGpu(a.length));
    if (a.length > 0) this.device.queue.writeBuffer(temp, 0, gpuView(a));
    temps.push(temp);
    return temp;
  }

  /** The GPU buffer of an array updated in place: it must own its ArrayBuffer (a variable, an optimizer slot). */
  private ownedBuffer(a: TypedArray, label: string, upload = true): GPUBuffer {
    if (!ownsBuffer(a))
      throw new TypeError(
        `webgpu ${label}: an array updated in place must own its whole buffer (got a view of ${a.length} of ${a.buffer.byteLength / a.BYTES_PER_ELEMENT} elements)`,
      );
    const slot = this.slots.get(a.buffer as ArrayBuffer);
    if (slot?.gpu) return slot.gpu;
    const gpu = this.attach(a, "device");
    if (upload && a.length > 0) this.device.queue.writeBuffer(gpu, 0, gpuView(a));
    return gpu;
  }

  /** Gives `a`'s ArrayBuffer a GPU buffer, returned to the free list when the array is collected. */
  private attach(a: TypedArray, where: Where): GPUBuffer {
    const gpu = this.acquire(bytesOnGpu(a.buffer.byteLength / a.BYTES_PER_ELEMENT));
    const slot: Slot = { gpu, where, version: 0 };
    this.slots.set(a.buffer as ArrayBuffer, slot);
    this.finalizer.register(a.buffer, slot, slot);
    return gpu;
  }

  /** Marks an array the GPU has just written: its CPU values are stale, and a read in flight reads again. */
  private written(a: TypedArray): void {
    const slot = this.slots.get(a.buffer as ArrayBuffer)!;
    slot.where = "device";
    slot.version++;
  }

  private release(slot: Slot): void {
    if (slot.gpu) this.giveBack(slot.gpu);
    slot.gpu = null;
  }

  private acquire(bytes: number): GPUBuffer {
    // a power of two past the device's largest buffer would fail where the exact size fits
    const size = sizeClass(bytes) > this.device.limits.maxBufferSize ? bytes : sizeClass(bytes);
    const reused = this.free.get(size)?.pop();
    if (reused) {
      this.freeBytes -= size;
      return reused;
    }
    this.allocated += size;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  private giveBack(buffer: GPUBuffer): void {
    if (this.freeBytes + buffer.size > FREE_LIMIT_BYTES) {
      this.allocated -= buffer.size;
      buffer.destroy();
      return;
    }
    const stack = this.free.get(buffer.size);
    if (stack) stack.push(buffer);
    else this.free.set(buffer.size, [buffer]);
    this.freeBytes += buffer.size;
  }
}

/** Whether `a` spans its whole ArrayBuffer (so that the buffer stands for it alone). */
const ownsBuffer = (a: TypedArray): boolean => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength;
