/** Copies GPU buffers into CPU arrays through staging buffers of bounded size (a read of more goes in parts). */
/// <reference types="@webgpu/types" />
import type { TypedArray } from "@kerno/core/tensor/dtype.js";

/** The most one staging buffer of a read takes, unless one array alone is larger. */
export const STAGING_BYTES = 256 * 1024 * 1024;

/** Bytes an array of `length` elements takes on the GPU (4 per element; bool is stored as u32). */
export const bytesOnGpu = (length: number): number => Math.max(4, length * 4);

/** One array to read: where it goes, and the GPU buffer holding its current values (null once it has none). */
export interface Download {
  target: TypedArray;
  /** Asked when its copy is encoded and again when the copy arrives: the values land only if it is the same buffer. */
  source: () => GPUBuffer | null;
}

/**
 * Fills each target from the front of its GPU buffer; says which were filled. One whose buffer
 * changed while the copy was on its way (forgotten, written again) keeps its CPU values.
 */
export async function download(device: GPUDevice, items: readonly Download[], stagingBytes = STAGING_BYTES): Promise<boolean[]> {
  const filled = items.map(() => false);
  let start = 0;
  while (start < items.length) {
    // one part: as many arrays as fit in stagingBytes, at least one
    const offsets: number[] = [];
    let total = 0;
    let end = start;
    while (end < items.length && (end === start || total + bytesOnGpu(items[end].target.length) <= stagingBytes)) {
      offsets.push(total);
      total += bytesOnGpu(items[end].target.length);
      end++;
    }
    // the buffers as they are now (an earlier part's await may have let some go)
    const sources = items.slice(start, end).map((item) => item.source());
    const staging = device.createBuffer({ size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const encoder = device.createCommandEncoder();
      sources.forEach((source, i) => {
        if (source) encoder.copyBufferToBuffer(source, 0, staging, offsets[i], bytesOnGpu(items[start + i].target.length));
      });
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const mapped = staging.getMappedRange();
      sources.forEach((source, i) => {
        const item = items[start + i];
        if (!source || item.source() !== source) return;
        const t = item.target;
        if (t instanceof Uint8Array) t.set(new Uint32Array(mapped, offsets[i], t.length));
        else t.set(new (t.constructor as typeof Float32Array)(mapped, offsets[i], t.length));
        filled[start + i] = true;
      });
      staging.unmap();
    } finally {
      staging.destroy();
    }
    start = end;
  }
  return filled;
}
