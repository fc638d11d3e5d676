/**
 * readback.ts's download, in Node with a stand-in device (buffers as ArrayBuffers, copies made at
 * submit, a map that resolves a turn later): the copies land in their arrays, in parts no larger
 * than the staging size; an array whose GPU buffer changed while its copy was on the way keeps its
 * CPU values; a later part copies from the buffers as they are when it is encoded.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Download, download } from "../src/readback.js";

Object.assign(globalThis, { GPUBufferUsage: { MAP_READ: 1, COPY_DST: 8 }, GPUMapMode: { READ: 1 } });

interface FakeBuffer {
  bytes: Uint8Array;
  size: number;
  destroyed: boolean;
}

/** A device whose queue copies at submit and whose maps resolve after `onMap` (a turn later). */
function standInDevice(onMap: () => void = () => {}) {
  const staging: FakeBuffer[] = [];
  const make = (size: number): FakeBuffer => ({ bytes: new Uint8Array(size), size, destroyed: false });
  const device = {
    createBuffer: ({ size }: { size: number }) => {
      const b = make(size);
      staging.push(b);
      return Object.assign(b, {
        mapAsync: async () => {
          await new Promise((r) => setTimeout(r, 0));
          onMap();
        },
        getMappedRange: () => b.bytes.buffer,
        unmap: () => {},
        destroy: () => {
          b.destroyed = true;
        },
      });
    },
    createCommandEncoder: () => {
      const copies: (() => void)[] = [];
      return {
        copyBufferToBuffer: (src: FakeBuffer, srcAt: number, dst: FakeBuffer, dstAt: number, size: number) =>
          copies.push(() => dst.bytes.set(src.bytes.subarray(srcAt, srcAt + size), dstAt)),
        finish: () => copies,
      };
    },
    queue: { submit: (lists: (() => void)[][]) => lists.flat().forEach((copy) => copy()) },
  };
  return {
    device: device as unknown as GPUDevice,
    staging,
    gpuBuffer: (values: Float32Array) => Object.assign(make(values.byteLength), { bytes: new Uint8Array(values.slice().buffer) }),
  };
}

test("download fills each array from its GPU buffer, in parts no larger than the staging size, and destroys the staging", async () => {
  const { device, staging, gpuBuffer } = standInDevice();
  const sources = [Float32Array.of(1, 2, 3), Float32Array.of(4, 5), Float32Array.of(6, 7, 8, 9)].map(gpuBuffer);
  const targets = [new Float32Array(3), new Float32Array(2), new Float32Array(4)];
  const items: Download[] = targets.map((target, i) => ({ target, source: () => sources[i] as unknown as GPUBuffer }));
  assert.deepEqual(await download(device, items, 20), [true, true, true]);
  assert.deepEqual(
    targets.map((t) => [...t]),
    [
      [1, 2, 3],
      [4, 5],
      [6, 7, 8, 9],
    ],
  );
  // 12 + 8 bytes fit in 20; the third array is a part of its own
  assert.deepEqual(
    staging.map((b) => b.size),
    [20, 16],
  );
  assert.ok(staging.every((b) => b.destroyed));
});

test("an array whose GPU buffer went or changed during the read keeps its CPU values; a later part takes the buffer of then", async () => {
  let current: (FakeBuffer | null)[] = [];
  const { device, gpuBuffer } = standInDevice(() => {
    // during the first part's map: the first array's copy is let go (its CPU side written), the third's replaced
    if (current[1] === null) return;
    current = [null, null, gpuBuffer(Float32Array.of(30, 31))];
  });
  current = [gpuBuffer(Float32Array.of(1, 2)), gpuBuffer(Float32Array.of(3, 4)), gpuBuffer(Float32Array.of(5, 6))];
  const targets = [Float32Array.of(-1, -1), Float32Array.of(-2, -2), Float32Array.of(-3, -3)];
  const items: Download[] = targets.map((target, i) => ({ target, source: () => current[i] as unknown as GPUBuffer | null }));
  // 8 bytes a part: one array each
  const filled = await download(device, items, 8);
  assert.deepEqual(filled, [false, false, true]);
  assert.deepEqual(
    targets.map((t) => [...t]),
    [
      [-1, -1],
      [-2, -2],
      [30, 31],
    ],
  );
});
