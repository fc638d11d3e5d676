/** Copies GPU buffers into CPU arrays through staging buffers of bounded size (a read of more goes in parts). */
/// <reference types="@webgpu/types" />
import type { TypedArray } from "@kerno/core/tensor/dtype.js";

/** The most one staging buffer of a read takes, unless one array alone is larger. */
export const STAGING_BYTES = 256 * 1024 * 1024;

/** Bytes an array of `length` elements takes on the GPU (4 per element; bool is stored as u32). */
export const bytesOnGpu = (length: number): number => Math.max(4, length * 4);

/** Fills each of `targets` from the front of its GPU buffer in `sources` (same order). */
export async function download(device: GPUDevice, sources: readonly GPUBuffer[], targets: readonly TypedArray[]): Promise<void> {
  let start = 0;
  while (start < targets.length) {
    // one part: as many arrays as fit in STAGING_BYTES, at least one
    const offsets: number[] = [];
    let total = 0;
    let end = start;
    while (end < targets.length && (end === start || total + bytesOnGpu(targets[end].length) <= STAGING_BYTES)) {
      offsets.push(total);
      total += bytesOnGpu(targets[end].length);
      end++;
    }
    const staging = device.createBuffer({ size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const encoder = device.createCommandEncoder();
      for (let i = start; i < end; i++) encoder.copyBufferToBuffer(sources[i], 0, staging, offsets[i - start], bytesOnGpu(targets[i].length));
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const mapped = staging.getMappedRange();
      for (let i = start; i < end; i++) {
        const t = targets[i];
        const at = offsets[i - start];
        if (t instanceof Uint8Array) t.set(new Uint32Array(mapped, at, t.length));
        else t.set(new (t.constructor as typeof Float32Array)(mapped, at, t.length));
      }
      staging.unmap();
    } finally {
      staging.destroy();
    }
    start = end;
  }
}
