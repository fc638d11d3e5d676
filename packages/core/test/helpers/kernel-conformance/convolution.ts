/** The conformance suite's cases for products, convolutions, pooling, resizing and image transforms (kernel-conformance.ts). */
import assert from "node:assert/strict";
import { maxPool2dArgmax } from "../../../src/backends/js/pool.js";
import { FUSED_ACTIVATIONS, type Kernels, type Pool2dGeometry } from "../../../src/backends/kernels.js";
import { pool2dGeometry } from "../../../src/ops/pool.js";
import {
  BYTE_RESIZE_CASES,
  type ConvCase,
  close,
  convCaseOf,
  convCases,
  depthwiseCases,
  js,
  poolCases,
  RESIZE_CASES,
  randArray,
  randInts,
  size,
  TRANSFORM_CASES,
  transformsFor,
} from "../kernel-cases.js";
import type { Case } from "./cases.js";

// Convolutions' outputs to 1e-4, plus 2e-5 of the largest output: Winograd F(4x4)'s rounding error
// grows with the sums' scale (530 channels of 3x3 on AVX2: 2.8e-4 off on an output of 1.8 among
// outputs up to about 20), not with each output's own value; through a squashing activation, the
// scale is that of the sums before it (`sums`).
const closeToScale = (got: Float32Array, want: Float32Array, what: string, sums: Float32Array = want) =>
  close(got, want, what, 1e-4, 1e-4 + 2e-5 * sums.reduce((m, v) => Math.max(m, Math.abs(v)), 0));

/** Pools disjoint and overlapping, valid and same: [poolSize, strides, padding]. */
const POOLS = [
  [2, 2, "valid"],
  [3, 2, "same"],
  [3, 1, "valid"],
] as const;

/** Each convolution case under each pool that fits its output, with a bias and the sums before any activation. */
function* pooledConvCases(cases: ConvCase[]) {
  for (const c of cases) {
    const bias = randArray(c.g.outC);
    const sums = js.conv2d(c.x, c.w, c.g, bias, "linear");
    for (const [poolSize, strides, padding] of POOLS) {
      if (c.g.outH < poolSize || c.g.outW < poolSize) continue;
      const p = pool2dGeometry([c.g.batch, c.g.outH, c.g.outW, c.g.outC], { poolSize, strides, padding }, "test");
      yield { ...c, bias, p, sums, pool: `pool ${poolSize}/${strides} ${padding}` };
    }
  }
}

/** The value of x (the pool's input) at each output's argmax cell; NaN where there is none. */
function cellValues(x: Float32Array, argmax: Uint8Array, p: Pool2dGeometry): Float32Array {
  const out = new Float32Array(argmax.length).fill(Number.NaN);
  for (let i = 0; i < argmax.length; i++) {
    if (argmax[i] === 255) continue;
    const c = i % p.channels,
      ox = Math.floor(i / p.channels) % p.outW,
      oy = Math.floor(i / p.channels / p.outW) % p.outH,
      b = Math.floor(i / p.channels / p.outW / p.outH);
    const iy = oy * p.strideH - p.padTop + Math.floor(argmax[i] / p.kW),
      ix = ox * p.strideW - p.padLeft + (argmax[i] % p.kW);
    out[i] = x[((b * p.inH + iy) * p.inW + ix) * p.channels + c];
  }
  return out;
}

export const CONVOLUTION_CASES = {
  matMul(n) {
    for (const [m, nn, k] of [
      [1, 1, 1],
      [7, 13, 5],
      [33, 17, 300],
      [64, 10, 1152],
      [130, 70, 9],
    ]) {
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const aShape = ta ? [2, k, m] : [2, m, k],
            bShape = tb ? [nn, k] : [k, nn];
          const a = randArray(size(aShape)),
            b = randArray(size(bShape));
          const out = [2, m, nn];
          close(n.matMul(a, aShape, b, bShape, ta, tb, out), js.matMul(a, aShape, b, bShape, ta, tb, out), `matMul ${m}x${nn}x${k}`, 1e-4, 1e-4);
        }
    }
  },
  bfloat16(n) {
    // mixed precision: where the CPU has AVX512_BF16, every product matches the js emulation
    // (same rounded operands, float32 sums); elsewhere asking for it is a clear error
    const a = randArray(2 * 37 * 300),
      b = randArray(300 * 41);
    if (!n.bfloat16) {
      assert.throws(() => n.matMul(a, [2, 37, 300], b, [300, 41], false, false, [2, 37, 41], "bfloat16"), /AVX512_BF16/);
      return;
    }
    const bf = n.matMul(a, [2, 37, 300], b, [300, 41], false, false, [2, 37, 41], "bfloat16");
    close(bf, js.matMul(a, [2, 37, 300], b, [300, 41], false, false, [2, 37, 41], "bfloat16"), "bf16 matMul", 1e-4, 1e-4);
    const fp = js.matMul(a, [2, 37, 300], b, [300, 41], false, false, [2, 37, 41]);
    assert.ok(
      bf.some((v, i) => Math.abs(v - fp[i]) > 1e-4),
      "bf16 matMul: rounds its operands",
    );
    close(bf, fp, "bf16 matMul against float32 (outputs of size ~6)", 0, 0.1);
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const aShape = ta ? [300, 37] : [37, 300],
        bShape = tb ? [41, 300] : [300, 41];
      const got = n.matMul(a.subarray(0, 37 * 300), aShape, b, bShape, ta, tb, [37, 41], "bfloat16");
      close(got, js.matMul(a.subarray(0, 37 * 300), aShape, b, bShape, ta, tb, [37, 41], "bfloat16"), `bf16 matMul ${ta} ${tb}`, 1e-4, 1e-4);
    }
    // large enough to be split across threads, in several blocks of rows, panels of k (the last
    // one's pairs padded) and partial tiles of rows and columns
    const [m, kk, nn] = [600, 700, 100];
    const la = randArray(m * kk),
      lb = randArray(kk * nn);
    for (const ta of [false, true]) {
      const aShape = ta ? [kk, m] : [m, kk];
      const got = n.matMul(la, aShape, lb, [kk, nn], ta, false, [m, nn], "bfloat16");
      close(got, js.matMul(la, aShape, lb, [kk, nn], ta, false, [m, nn], "bfloat16"), `bf16 matMul ${m}x${nn}x${kk} ${ta}`, 1e-4, 1e-4);
    }
    // a row's product is the same bit for bit wherever the rows around it put it (in a whole
    // block of the kernel's rows or a partial one), with k long enough to sum over several passes
    const rows40 = n.matMul(la.subarray(0, 40 * kk), [40, kk], lb, [kk, nn], false, false, [40, nn], "bfloat16");
    const rows16 = n.matMul(la.subarray(24 * kk, 40 * kk), [16, kk], lb, [kk, nn], false, false, [16, nn], "bfloat16");
    assert.deepEqual(rows16.subarray(0, 8 * nn), rows40.subarray(24 * nn, 32 * nn), "bf16 matMul: rows 24-31 alone and among 40");
    for (const { g, x, w, dy, what } of convCases()) {
      // first layers' direct loops (patches of at most 32 values) stay float32: there, within
      // bfloat16's error (1% of the largest output)
      const direct = g.kH * g.kW * g.inC <= 32;
      const same = (got: Float32Array, want: Float32Array, pass: string, exact = !direct) =>
        close(got, want, `bf16 ${what} ${pass}`, exact ? 1e-4 : 0, exact ? 1e-4 : 0.01 * want.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
      const bias = randArray(g.outC);
      same(n.conv2d(x, w, g, bias, "relu", "bfloat16"), js.conv2d(x, w, g, bias, "relu", "bfloat16"), "forward");
      same(n.conv2dBackpropInput(dy, w, g, "bfloat16"), js.conv2dBackpropInput(dy, w, g, "bfloat16"), "dx", true);
      same(n.conv2dBackpropFilter(x, dy, g, "bfloat16"), js.conv2dBackpropFilter(x, dy, g, "bfloat16"), "dw");
    }
  },
  conv2d(n) {
    for (const { g, x, w, what } of convCases()) {
      closeToScale(n.conv2d(x, w, g, null, "linear"), js.conv2d(x, w, g, null, "linear"), `${what} forward`);
      const bias = randArray(g.outC);
      const sums = js.conv2d(x, w, g, bias, "linear");
      for (const act of FUSED_ACTIVATIONS) closeToScale(n.conv2d(x, w, g, bias, act), js.conv2d(x, w, g, bias, act), `${what} forward + bias + ${act}`, sums);
    }
  },
  conv2dMaxPool(n) {
    // every conv case under pools disjoint and overlapping, valid and same; the last conv pools in
    // several bands per image (rows of 16 and 50 KB, indirect and direct loops), so windows
    // straddle the bands' edges
    const cases = [
      ...convCases(),
      ...[
        [1, 66, 66, 8],
        [1, 70, 200, 1],
      ].map((xs) => convCaseOf(xs, [3, 3, xs[3], 64])),
    ];
    for (const { g, x, w, what, bias, p, sums, pool } of pooledConvCases(cases)) {
      for (const act of FUSED_ACTIVATIONS) {
        const want = js.maxPool2d(js.conv2d(x, w, g, act === "linear" ? null : bias, act), p);
        closeToScale(n.conv2dMaxPool(x, w, g, act === "linear" ? null : bias, act, p), want, `${what} + ${act} + ${pool}`, sums);
      }
    }
  },
  conv2dMaxPoolArgmax(n) {
    // the pooled values as conv2dMaxPool's; each argmax names a cell whose value is its window's
    // maximum (backends may round two near-equal cells either way), 255 only for windows of NaNs;
    // the last case pools in several bands per image, so windows straddle the bands' edges
    for (const { g, x, w, what, bias, p, sums, pool } of pooledConvCases([...convCases(), convCaseOf([1, 70, 200, 1], [3, 3, 1, 64])])) {
      for (const act of ["linear", "relu", "tanh"] as const) {
        const conv = js.conv2d(x, w, g, act === "linear" ? null : bias, act);
        const label = `argmax ${what} + ${act} + ${pool}`;
        const got = n.conv2dMaxPoolArgmax(x, w, g, act === "linear" ? null : bias, act, p);
        closeToScale(got.y, js.maxPool2d(conv, p), `${label} y`, sums);
        closeToScale(cellValues(conv, got.argmax, p), js.maxPool2d(conv, p), `${label}: values at the argmax cells`, sums);
      }
    }
    // exact values (a 1x1 identity convolution of one channel): ties on a coarse grid, -Infinity,
    // and a 3x3 block of NaNs that holds whole windows. Every backend takes the first cell equal to
    // the maximum, 255 where no cell is (NaNs), and the same pooled values (-Infinity there)
    for (const [poolSize, strides, padding] of POOLS) {
      const xs = [2, 9, 8, 1];
      const x = randArray(size(xs)).map((v) => Math.round(v * 2) / 2);
      x[20] = Number.NEGATIVE_INFINITY;
      for (const at of [0, 1, 2, 8, 9, 10, 16, 17, 18]) x[72 + at] = Number.NaN;
      const g = convCaseOf(xs, [1, 1, 1, 1]).g;
      const p = pool2dGeometry(xs, { poolSize, strides, padding }, "test");
      const got = n.conv2dMaxPoolArgmax(x, Float32Array.of(1), g, null, "linear", p),
        want = js.conv2dMaxPoolArgmax(x, Float32Array.of(1), g, null, "linear", p);
      assert.deepEqual([...got.argmax], [...want.argmax], `argmax with ties and NaNs, pool ${poolSize}/${strides} ${padding}`);
      assert.ok(want.argmax.includes(255), "a window of NaNs has no cell");
      assert.deepEqual([...got.y], [...want.y], `pooled with ties and NaNs, pool ${poolSize}/${strides} ${padding}`);
    }
    // the same over 35 channels (whole vectors and a tail): an identity 1x1 convolution keeps
    // values off zero exact, and four pixels NaN in every channel hold a whole 2x2 window
    const C = 35,
      xs = [2, 8, 8, C];
    const x = randArray(size(xs)).map((v) => Math.round(v * 2) / 2 + 0.25);
    for (const pixel of [64, 65, 72, 73]) x.fill(Number.NaN, pixel * C, (pixel + 1) * C);
    const identity = new Float32Array(C * C).map((_, i) => (i % (C + 1) === 0 ? 1 : 0));
    const g = convCaseOf(xs, [1, 1, C, C]).g;
    const p = pool2dGeometry(xs, { poolSize: 2, strides: 2, padding: "valid" }, "test");
    const got = n.conv2dMaxPoolArgmax(x, identity, g, null, "linear", p),
      want = js.conv2dMaxPoolArgmax(x, identity, g, null, "linear", p);
    assert.deepEqual([...got.argmax], [...want.argmax], `argmax of ${C} channels with ties and NaNs`);
    assert.equal(want.argmax.filter((cell) => cell === 255).length, C, "the window of NaNs has no cell in any channel");
    assert.deepEqual([...got.y], [...want.y], `pooled ${C} channels with ties and NaNs`);
  },
  conv2dBackpropInput(n) {
    for (const { g, w, dy, what } of convCases()) closeToScale(n.conv2dBackpropInput(dy, w, g), js.conv2dBackpropInput(dy, w, g), `${what} dx`);
  },
  conv2dBackpropFilter(n) {
    for (const { g, x, dy, what } of convCases()) close(n.conv2dBackpropFilter(x, dy, g), js.conv2dBackpropFilter(x, dy, g), `${what} dw`, 1e-4, 1e-3);
  },
  depthwiseConv2d(n) {
    for (const { g, x, bias, w, what } of depthwiseCases()) {
      for (const act of FUSED_ACTIVATIONS) close(n.depthwiseConv2d(x, w, g, bias, act), js.depthwiseConv2d(x, w, g, bias, act), `${what} ${act}`, 1e-4, 1e-4);
      close(n.depthwiseConv2d(x, w, g, null, "linear"), js.depthwiseConv2d(x, w, g, null, "linear"), `${what} no bias`, 1e-4, 1e-4);
    }
  },
  depthwiseConv2dBackpropInput(n) {
    for (const { g, w, dy, what } of depthwiseCases())
      close(n.depthwiseConv2dBackpropInput(dy, w, g), js.depthwiseConv2dBackpropInput(dy, w, g), `${what} dx`, 1e-4, 1e-4);
  },
  depthwiseConv2dBackpropFilter(n) {
    for (const { g, x, dy, what } of depthwiseCases())
      close(n.depthwiseConv2dBackpropFilter(x, dy, g), js.depthwiseConv2dBackpropFilter(x, dy, g), `${what} dw`, 1e-4, 1e-3);
  },
  maxPool2d(n) {
    for (const { g, x } of poolCases()) close(n.maxPool2d(x, g), js.maxPool2d(x, g), "maxPool2d", 0, 0);
  },
  maxPool2dReluGrad(n) {
    // x as a relu's output: a third of the cells 0, whole windows of zeros included, ties above 0
    for (const { g, x, dy } of poolCases()) {
      const relu = x.map((v, i) => (i % 7 < 3 ? 0 : Math.max(Math.round(v * 4) / 4, 0)));
      const got = n.maxPool2dReluGrad(dy, relu, g),
        want = js.maxPool2dReluGrad(dy, relu, g);
      close(got.dz, want.dz, "maxPool2dReluGrad dz");
      close(got.db, want.db, "maxPool2dReluGrad db", 1e-5, 1e-5);
    }
  },
  maxPool2dArgmaxGrad(n) {
    for (const { g, x, dy } of poolCases()) {
      // ties on a coarse grid, and a 3x3 block of NaNs in the first image, which holds whole
      // windows (no cell: 255)
      const ties = x.map((v) => Math.round(v * 2) / 2);
      for (let iy = 0; iy < 3; iy++) ties.fill(Number.NaN, iy * g.inW * g.channels, (iy * g.inW + 3) * g.channels);
      for (const [values, what] of [
        [x, ""],
        [ties, " with ties"],
      ] as const) {
        const { argmax } = maxPool2dArgmax(values, g);
        if (values === ties) assert.ok(argmax.includes(255), "a window of NaNs has no cell");
        const got = n.maxPool2dArgmaxGrad(dy, argmax, g);
        close(got, js.maxPool2dArgmaxGrad(dy, argmax, g), `maxPool2dArgmaxGrad${what}`);
        if (values === x) close(got, js.maxPool2dGrad(dy, x, g), "maxPool2dArgmaxGrad as maxPool2dGrad");
      }
    }
  },
  maxPool2dGrad(n) {
    for (const { g, x, dy } of poolCases()) {
      close(n.maxPool2dGrad(dy, x, g), js.maxPool2dGrad(dy, x, g), "maxPool2dGrad");
      // values on a coarse grid: ties in most windows, where the first maximal cell takes it all
      const ties = x.map((v) => Math.round(v * 2) / 2);
      close(n.maxPool2dGrad(dy, ties, g), js.maxPool2dGrad(dy, ties, g), "maxPool2dGrad with ties");
    }
  },
  avgPool2d(n) {
    for (const { g, x } of poolCases()) close(n.avgPool2d(x, g), js.avgPool2d(x, g), "avgPool2d");
  },
  avgPool2dGrad(n) {
    for (const { g, dy } of poolCases()) close(n.avgPool2dGrad(dy, g), js.avgPool2dGrad(dy, g), "avgPool2dGrad");
  },
  resizeBilinear(n) {
    for (const g of RESIZE_CASES) {
      const x = randArray(g.batch * g.inH * g.inW * g.channels);
      close(n.resizeBilinear(x, g), js.resizeBilinear(x, g), "resizeBilinear");
    }
  },
  resizeBilinearGrad(n) {
    for (const g of RESIZE_CASES) {
      const dy = randArray(g.batch * g.outH * g.outW * g.channels);
      close(n.resizeBilinearGrad(dy, g), js.resizeBilinearGrad(dy, g), "resizeBilinearGrad");
    }
  },
  resizeNearest(n) {
    for (const g of RESIZE_CASES) {
      const x = randArray(g.batch * g.inH * g.inW * g.channels);
      close(n.resizeNearest(x, g), js.resizeNearest(x, g), "resizeNearest");
    }
  },
  resizeNearestGrad(n) {
    for (const g of RESIZE_CASES) {
      const dy = randArray(g.batch * g.outH * g.outW * g.channels);
      close(n.resizeNearestGrad(dy, g), js.resizeNearestGrad(dy, g), "resizeNearestGrad");
    }
  },
  resizeBytes(n) {
    for (const g of BYTE_RESIZE_CASES) {
      const src = Uint8Array.from(randInts(g.srcH * g.srcW * g.channels, 256));
      // written into a view of a larger batch, whose other values stay as they were
      const offset = 5,
        want = new Float32Array(offset + g.outH * g.outW * g.channels + 3).fill(-1),
        got = want.slice();
      n.resizeBytes(src, g, got.subarray(offset, offset + g.outH * g.outW * g.channels));
      js.resizeBytes(src, g, want.subarray(offset, offset + g.outH * g.outW * g.channels));
      close(got, want, `resizeBytes ${JSON.stringify(g)}`);
    }
  },
  imageTransform(n) {
    for (const g of TRANSFORM_CASES) {
      const x = randArray(g.batch * g.inH * g.inW * g.channels),
        t = transformsFor(g.batch);
      close(n.imageTransform(x, t, g), js.imageTransform(x, t, g), `imageTransform ${g.fillMode} ${g.interpolation}`, 1e-4, 1e-5);
    }
  },
  imageTransformGrad(n) {
    for (const g of TRANSFORM_CASES) {
      const dy = randArray(g.batch * g.outH * g.outW * g.channels),
        t = transformsFor(g.batch);
      close(n.imageTransformGrad(dy, t, g), js.imageTransformGrad(dy, t, g), `imageTransformGrad ${g.fillMode} ${g.interpolation}`, 1e-4, 1e-5);
    }
  },
} satisfies Partial<Record<keyof Kernels, Case>>;
