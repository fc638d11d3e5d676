/**
 * The pooled convolution's unfused way (native/conv_pool.cc): the convolution's output a few
 * images at a time, at most 16 MB of it (or one image), then pooled: a case of 4 MB an image runs
 * as chunks of 4 images and 1. Float32 runs that way under a forced way of running convolutions
 * other than the band loops' (KERNO_CONV), so this file forces one where `npm test` has not (under
 * KERNO_CONV=indirect or direct it checks the fused way on the same case); mixed precision always
 * runs it, where the CPU has AVX512_BF16.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { pool2dGeometry } from "@kerno/core/ops/pool.js";
import { close, convCaseOf, js } from "../../../../core/test/helpers/kernel-cases.js";
import { nativeKernels } from "../../helpers/native-kernels.js";

// read once, at the first convolution: the default run checks the unfused way
process.env.KERNO_CONV ??= "gemm";

const { native, skip } = nativeKernels();

test("a pooled convolution larger than the unfused way's chunk runs in chunks of images, each pooled into its own place", { skip }, () => {
  const k = native!;
  // 5 images, each 128 x 128 x 64 floats (4 MB) out of the convolution: several chunks
  const { g, x, w } = convCaseOf([5, 130, 130, 2], [3, 3, 2, 64]);
  const bias = Float32Array.from({ length: 64 }, (_, i) => (i % 7) / 10 - 0.3);
  const p = pool2dGeometry([g.batch, g.outH, g.outW, g.outC], { poolSize: 2 }, "test");
  const z = js.conv2d(x, w, g, bias, "relu");
  const want = js.maxPool2d(z, p);
  // mixed precision always runs unfused, whatever KERNO_CONV says; its first layers' direct loops
  // stay float32, so float32's values within bfloat16's error
  const tolerance = 0.01 * want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (const precision of k.bfloat16 ? (["float32", "bfloat16"] as const) : (["float32"] as const)) {
    const atol = precision === "float32" ? 1e-4 : tolerance;
    close(k.conv2dMaxPool(x, w, g, bias, "relu", p, precision), want, `${precision} conv2dMaxPool`, 1e-4, atol);
    const got = k.conv2dMaxPoolArgmax(x, w, g, bias, "relu", p, precision);
    close(got.y, want, `${precision} conv2dMaxPoolArgmax's pooled values`, 1e-4, atol);
    // each argmax names a cell holding its window's maximum (two near-equal cells may round either way)
    let named = 0;
    for (let i = 0; i < got.argmax.length; i++) {
      const cell = got.argmax[i];
      const c = i % p.channels,
        ox = Math.floor(i / p.channels) % p.outW,
        oy = Math.floor(i / p.channels / p.outW) % p.outH,
        n = Math.floor(i / p.channels / p.outW / p.outH);
      const at = ((n * p.inH + oy * 2 + Math.floor(cell / 2)) * p.inW + ox * 2 + (cell % 2)) * p.channels + c;
      if (Math.abs(z[at] - want[i]) <= atol + 1e-4 * Math.abs(want[i])) named++;
    }
    assert.equal(named, got.argmax.length, `${precision}: every argmax names a maximum of its window, the last chunk's too`);
  }
});
