import assert from "node:assert/strict";
import { test } from "node:test";
import { resizeBilinear, resizeBytes, resizeNearest } from "../../../src/backends/js/resize.js";
import type { ByteResizeGeometry } from "../../../src/backends/kernels.js";

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) % 256);
const full = (srcH: number, srcW: number, channels: number, outH: number, outW: number, nearest = false): ByteResizeGeometry => ({
  srcH,
  srcW,
  channels,
  top: 0,
  left: 0,
  height: srcH,
  width: srcW,
  outH,
  outW,
  nearest,
});
const resizeRules = (g: ByteResizeGeometry) => ({
  batch: 1,
  inH: g.height,
  inW: g.width,
  channels: g.channels,
  outH: g.outH,
  outW: g.outW,
  alignCorners: false,
  halfPixelCenters: true,
});

test("resizeBytes gives the Resizing layer's values (half-pixel centers) on the image's bytes, in whole numbers, into a view", () => {
  for (const g of [full(23, 31, 3, 9, 7), full(5, 6, 1, 12, 13), full(8, 8, 4, 8, 8), full(9, 14, 3, 4, 5, true)]) {
    const src = bytes(g.srcH * g.srcW * g.channels);
    const n = g.outH * g.outW * g.channels;
    const out = new Float32Array(n + 3).fill(-1);
    resizeBytes(src, g, out.subarray(2, 2 + n));
    const want = (g.nearest ? resizeNearest : resizeBilinear)(Float32Array.from(src), resizeRules(g));
    // bilinear values rounded to whole numbers (11-bit weights: at most 0.13 more off)
    const got = out.subarray(2, 2 + n);
    want.forEach((v, i) => assert.ok(Number.isInteger(got[i]) && Math.abs(got[i] - v) <= (g.nearest ? 0 : 0.63), `[${i}] ${got[i]} vs ${v}`));
    assert.deepEqual([out[0], out[1], out[n + 2]], [-1, -1, -1]);
  }
});

test("resizeBytes reads only its window", () => {
  // 4x6 RGB: a 2x2 window at row 1, column 3 of value 200, the rest 0; the window's resize is all 200
  const src = new Uint8Array(4 * 6 * 3);
  for (let y = 1; y < 3; y++) src.fill(200, (y * 6 + 3) * 3, (y * 6 + 5) * 3);
  const out = new Float32Array(5 * 3 * 3);
  resizeBytes(src, { srcH: 4, srcW: 6, channels: 3, top: 1, left: 3, height: 2, width: 2, outH: 5, outW: 3, nearest: false }, out);
  assert.ok(out.every((v) => v === 200));
});
