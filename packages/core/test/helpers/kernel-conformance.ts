/**
 * The kernel conformance suite: every kernel of a backend against the TypeScript reference, on
 * random shapes (odd sizes, batch 1, strides 1 and 2, both paddings, channel counts that are not
 * multiples of the vector width). The cases are a Record over the Kernels interface, so a kernel
 * without a comparison case does not compile; op lists come from the op tables in kernels.ts.
 * Each compiled backend's test runs it (`conformanceSuite(name, kernels)`): the native addon's,
 * and the next backends' (WebAssembly, WebGPU) the same way.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { BINARY_OPS, FUSED_ACTIVATIONS, type Kernels, REDUCE_OPS, RNN_KINDS, UNARY_OPS } from "../../src/backends/kernels.js";
import { pool2dGeometry } from "../../src/ops/pool.js";
import {
  BINARY_SHAPES,
  broadcastShape,
  close,
  convCaseOf,
  convCases,
  depthwiseCases,
  js,
  optimizerRun,
  poolCases,
  REDUCE_SHAPES,
  RESIZE_CASES,
  RNN_SIZES,
  randArray,
  randInts,
  rnnCase,
  SOFTMAX_SHAPES,
  size,
  TRANSFORM_CASES,
  transformsFor,
} from "./kernel-cases.js";

// Convolutions' outputs to 1e-4, plus 2e-5 of the largest output: Winograd F(4x4)'s rounding error
// grows with the sums' scale (530 channels of 3x3 on AVX2: 2.8e-4 off on an output of 1.8 among
// outputs up to about 20), not with each output's own value; through a squashing activation, the
// scale is that of the sums before it (`sums`).
const closeToScale = (got: Float32Array, want: Float32Array, what: string, sums: Float32Array = want) =>
  close(got, want, what, 1e-4, 1e-4 + 2e-5 * sums.reduce((m, v) => Math.max(m, Math.abs(v)), 0));

type Case = (n: Kernels) => void;
export const conformanceCases: Record<Exclude<keyof Kernels, "name">, Case> = {
  unary(n) {
    const x = randArray(1001, -3, 3),
      pos = randArray(1001, 0.1, 3);
    for (const op of UNARY_OPS) {
      const input = ["sqrt", "rsqrt", "log", "log1p", "reciprocal"].includes(op) ? pos : x;
      close(n.unary(op, input, 0.3), js.unary(op, input, 0.3), op);
    }
  },
  unaryGrad(n) {
    const x = randArray(1001, -3, 3),
      pos = randArray(1001, 0.1, 3),
      dy = randArray(1001);
    for (const op of UNARY_OPS) {
      const input = ["sqrt", "rsqrt", "log", "log1p", "reciprocal"].includes(op) ? pos : x;
      const y = js.unary(op, input, 0.3);
      close(n.unaryGrad(op, dy, input, y, 0.3), js.unaryGrad(op, dy, input, y, 0.3), `${op} grad`, 1e-4, 1e-5);
    }
  },
  binary(n) {
    for (const [as, bs] of BINARY_SHAPES) {
      const out = broadcastShape(as, bs);
      // small integers make the comparisons' ties (equal, greaterEqual, ...) actually happen
      const a = Float32Array.from(randInts(size(as), 4)),
        b = Float32Array.from(randInts(size(bs), 4), (v) => v + 0.5 * (v % 2));
      for (const op of BINARY_OPS) {
        const aa = op === "pow" ? randArray(size(as), 0.5, 2) : a;
        const bb = op === "div" || op === "pow" ? randArray(size(bs), 0.5, 2) : b;
        close(n.binary(op, aa, as, bb, bs, out), js.binary(op, aa, as, bb, bs, out), `${op} ${as} ${bs}`);
      }
      const ia = randInts(size(as), 5),
        ib = randInts(size(bs), 5);
      for (const op of BINARY_OPS)
        if (op !== "div" && op !== "pow") assert.deepEqual(n.binary(op, ia, as, ib, bs, out), js.binary(op, ia, as, ib, bs, out), `int32 ${op}`);
    }
  },
  where(n) {
    const cond = Uint8Array.from(randInts(24, 2)),
      a = randArray(24),
      b = randArray(4);
    assert.deepEqual(n.where(cond, [2, 3, 4], a, [2, 3, 4], b, [4], [2, 3, 4]), js.where(cond, [2, 3, 4], a, [2, 3, 4], b, [4], [2, 3, 4]));
  },
  cast(n) {
    const x = randArray(50, -5, 5);
    for (const dtype of ["float32", "int32", "bool"] as const) assert.deepEqual(n.cast(x, dtype), js.cast(x, dtype));
  },
  biasActivation(n) {
    const z = randArray(35 * 13),
      bias = randArray(13),
      scale = randArray(13);
    for (const act of FUSED_ACTIVATIONS) {
      close(n.biasActivation(z, bias, act), js.biasActivation(z, bias, act), act);
      close(n.biasActivation(z, null, act), js.biasActivation(z, null, act), `${act} without bias`);
      close(n.biasActivation(z, bias, act, scale), js.biasActivation(z, bias, act, scale), `${act} with a scale`);
      close(n.biasActivation(z, null, act, scale), js.biasActivation(z, null, act, scale), `${act} with a scale, without bias`);
    }
  },
  biasActivationGrad(n) {
    const z = randArray(35 * 13),
      bias = randArray(13);
    for (const act of FUSED_ACTIVATIONS) {
      const y = js.biasActivation(z, bias, act);
      for (const channels of [0, 13]) {
        const got = n.biasActivationGrad(z, y, act, channels),
          want = js.biasActivationGrad(z, y, act, channels);
        close(got.dz, want.dz, `${act} dz`);
        if (channels) close(got.db!, want.db!, `${act} db`, 1e-4, 1e-5);
        else assert.equal(got.db, null);
      }
    }
  },
  reduce(n) {
    const x = randArray(3 * 17 * 5);
    for (const [o, m, i] of REDUCE_SHAPES)
      for (const op of REDUCE_OPS) close(n.reduce(op, x, o, m, i), js.reduce(op, x, o, m, i), `${op} ${o},${m},${i}`, 1e-5, 1e-5);
  },
  argReduce(n) {
    const x = randArray(3 * 17 * 5);
    for (const [o, m, i] of REDUCE_SHAPES)
      for (const op of ["argmax", "argmin"] as const) assert.deepEqual(n.argReduce(op, x, o, m, i), js.argReduce(op, x, o, m, i));
  },
  cumsum(n) {
    const x = randArray(3 * 17 * 5);
    for (const [o, m, i] of REDUCE_SHAPES)
      for (const reverse of [false, true])
        close(n.cumsum(x, o, m, i, reverse), js.cumsum(x, o, m, i, reverse), `${o},${m},${i} reverse ${reverse}`, 1e-5, 1e-5);
  },
  bincount(n) {
    // values beyond the bins and negative ones are skipped by both
    const x = Int32Array.from(randArray(1000), (v) => Math.floor(v * 12) - 1);
    for (const length of [0, 1, 7, 30]) assert.deepEqual(n.bincount(x, length), js.bincount(x, length), `${length} bins`);
    // counts past float32's 2^24 stay exact
    assert.equal(n.bincount(new Int32Array(17_000_001), 1)[0], 17_000_001);
  },
  bincountWeights(n) {
    const x = Int32Array.from(randArray(1000), (v) => Math.floor(v * 12) - 1);
    const w = randArray(1000);
    for (const length of [0, 1, 7, 30]) close(n.bincountWeights(x, w, length), js.bincountWeights(x, w, length), `${length} bins`, 1e-5, 1e-5);
  },
  transpose(n) {
    for (const [shape, perm] of [
      [
        [3, 17, 5],
        [2, 0, 1],
      ],
      [
        [33, 65],
        [1, 0],
      ],
      [
        [2, 3, 4, 5],
        [0, 2, 3, 1],
      ],
    ] as [number[], number[]][]) {
      const t = randArray(size(shape));
      assert.deepEqual(n.transpose(t, shape, perm), js.transpose(t, shape, perm));
      const ti = randInts(size(shape), 100);
      assert.deepEqual(n.transpose(ti, shape, perm), js.transpose(ti, shape, perm));
    }
  },
  slice(n) {
    const x = randArray(4 * 5 * 6);
    assert.deepEqual(n.slice(x, [4, 5, 6], [1, 0, 2], [2, 5, 3]), js.slice(x, [4, 5, 6], [1, 0, 2], [2, 5, 3]));
  },
  pad(n) {
    const x = randArray(3 * 4);
    assert.deepEqual(
      n.pad(
        x,
        [3, 4],
        [
          [1, 2],
          [0, 3],
        ],
        0.5,
      ),
      js.pad(
        x,
        [3, 4],
        [
          [1, 2],
          [0, 3],
        ],
        0.5,
      ),
    );
  },
  concat(n) {
    const a = randArray(6),
      b = randArray(9);
    assert.deepEqual(
      n.concat(
        [a, b],
        [
          [3, 2],
          [3, 3],
        ],
        1,
      ),
      js.concat(
        [a, b],
        [
          [3, 2],
          [3, 3],
        ],
        1,
      ),
    );
  },
  gather(n) {
    const x = randArray(5 * 4),
      idx = Int32Array.of(4, 0, 0, 2);
    assert.deepEqual(n.gather(x, [5, 4], idx, 0), js.gather(x, [5, 4], idx, 0));
    assert.deepEqual(n.gather(x, [5, 4], Int32Array.of(3, 1), 1), js.gather(x, [5, 4], Int32Array.of(3, 1), 1));
  },
  scatterAdd(n) {
    const dy = randArray(4 * 4),
      idx = Int32Array.of(4, 0, 0, 2);
    assert.deepEqual(n.scatterAdd(dy, idx, [5, 4], 0), js.scatterAdd(dy, idx, [5, 4], 0));
  },
  tile(n) {
    const x = randArray(6);
    assert.deepEqual(n.tile(x, [2, 3], [3, 2]), js.tile(x, [2, 3], [3, 2]));
  },
  flip(n) {
    const x = randArray(24);
    assert.deepEqual(n.flip(x, [2, 3, 4], [0, 2]), js.flip(x, [2, 3, 4], [0, 2]));
  },
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
    for (const { g, x, w, what } of cases) {
      const bias = randArray(g.outC);
      for (const [poolSize, strides, padding] of [
        [2, 2, "valid"],
        [3, 2, "same"],
        [3, 1, "valid"],
      ] as const) {
        if (g.outH < poolSize || g.outW < poolSize) continue;
        const p = pool2dGeometry([g.batch, g.outH, g.outW, g.outC], { poolSize, strides, padding }, "test");
        const sums = js.conv2d(x, w, g, bias, "linear");
        for (const act of FUSED_ACTIVATIONS) {
          const want = js.maxPool2d(js.conv2d(x, w, g, act === "linear" ? null : bias, act), p);
          closeToScale(
            n.conv2dMaxPool(x, w, g, act === "linear" ? null : bias, act, p),
            want,
            `${what} + ${act} + pool ${poolSize}/${strides} ${padding}`,
            sums,
          );
        }
      }
    }
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
  softmax(n) {
    const x = randArray(255);
    for (const [o, m, i] of SOFTMAX_SHAPES) close(n.softmax(x, o, m, i), js.softmax(x, o, m, i), "softmax");
  },
  logSoftmax(n) {
    const x = randArray(255);
    for (const [o, m, i] of SOFTMAX_SHAPES) close(n.logSoftmax(x, o, m, i), js.logSoftmax(x, o, m, i), "logSoftmax", 1e-5, 1e-5);
  },
  softmaxGrad(n) {
    const x = randArray(255),
      dy = randArray(255);
    for (const [o, m, i] of SOFTMAX_SHAPES) {
      const y = js.softmax(x, o, m, i);
      close(n.softmaxGrad(dy, y, o, m, i), js.softmaxGrad(dy, y, o, m, i), "softmaxGrad", 1e-4);
    }
  },
  logSoftmaxGrad(n) {
    const x = randArray(255),
      dy = randArray(255);
    for (const [o, m, i] of SOFTMAX_SHAPES) {
      const y = js.logSoftmax(x, o, m, i);
      close(n.logSoftmaxGrad(dy, y, o, m, i), js.logSoftmaxGrad(dy, y, o, m, i), "logSoftmaxGrad", 1e-4, 1e-5);
    }
  },
  softmaxCrossEntropy(n) {
    const logits = randArray(90, -4, 4),
      soft = randArray(90, 0, 1);
    const got = n.softmaxCrossEntropy(logits, soft, 9, 10),
      want = js.softmaxCrossEntropy(logits, soft, 9, 10);
    close(got.loss, want.loss, "loss", 1e-5, 1e-5);
    close(got.dlogits, want.dlogits, "dlogits");
  },
  sparseSoftmaxCrossEntropy(n) {
    const logits = randArray(90, -4, 4),
      labels = Int32Array.from({ length: 9 }, (_, i) => i % 10);
    const got = n.sparseSoftmaxCrossEntropy(logits, labels, 9, 10),
      want = js.sparseSoftmaxCrossEntropy(logits, labels, 9, 10);
    close(got.loss, want.loss, "loss", 1e-5, 1e-5);
    close(got.dlogits, want.dlogits, "dlogits");
    assert.throws(() => n.sparseSoftmaxCrossEntropy(logits, Int32Array.of(0, 10, 0, 0, 0, 0, 0, 0, 0), 9, 10), /label 10 at row 1 is outside \[0, 10\)/);
  },
  sigmoidCrossEntropy(n) {
    const logits = randArray(90, -4, 4),
      soft = randArray(90, 0, 1);
    const got = n.sigmoidCrossEntropy(logits, soft),
      want = js.sigmoidCrossEntropy(logits, soft);
    close(got.loss, want.loss, "loss", 1e-5, 1e-5);
    close(got.dlogits, want.dlogits, "dlogits");
  },
  rnnForward(n) {
    for (const kind of RNN_KINDS)
      for (const dims of RNN_SIZES) {
        const c = rnnCase(kind, dims);
        const a = n.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask),
          b = js.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask);
        close(a.hs, b.hs, `${kind} hs`, 1e-4, 1e-5);
        if (b.cs) close(a.cs!, b.cs, `${kind} cs`, 1e-4, 1e-5);
      }
  },
  rnnBackward(n) {
    for (const kind of RNN_KINDS)
      for (const dims of RNN_SIZES) {
        const c = rnnCase(kind, dims);
        const a = n.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask),
          b = js.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask);
        const dhs = randArray(a.hs.length),
          dcT = kind === "lstm" ? randArray(c.h0.length) : null;
        const ga = n.rnnBackward(c.spec, dhs, dcT, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask, a);
        const gb = js.rnnBackward(c.spec, dhs, dcT, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask, b);
        for (const key of ["dx", "dW", "dR", "db", "dh0", "dc0"] as const) if (gb[key]) close(ga[key]!, gb[key]!, `${kind} ${key}`, 1e-3, 1e-4);
      }
  },
  sgdUpdate(n) {
    close(optimizerRun(n, "sgd"), optimizerRun(js, "sgd"), "sgd", 1e-5, 1e-5);
  },
  rmspropUpdate(n) {
    close(optimizerRun(n, "rmsprop"), optimizerRun(js, "rmsprop"), "rmsprop", 1e-5, 1e-5);
  },
  adamUpdate(n) {
    close(optimizerRun(n, "adam"), optimizerRun(js, "adam"), "adam", 1e-5, 1e-5);
  },
};

/** One test per kernel of `kernels` against the TypeScript reference; `skip` (the reason) when the backend is unavailable. */
export function conformanceSuite(name: string, kernels: Kernels | null, skip: string | false): void {
  for (const [kernel, run] of Object.entries(conformanceCases)) {
    test(`${name} ${kernel} matches the TypeScript reference`, { skip }, () => run(kernels!));
  }
}
