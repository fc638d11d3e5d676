/**
 * Every native kernel against the TypeScript reference, on random shapes: odd sizes, batch 1,
 * strides 1 and 2, both paddings, channel counts that are not multiples of the vector width.
 * The cases are a Record over the Kernels interface, so a kernel without a comparison case does
 * not compile; op lists come from the op tables in kernels.ts. `npm test` also runs this file
 * with KERNO_ISA=portable, so the portable path is checked too. With KERNO_REQUIRE_NATIVE=1 (CI)
 * a missing addon fails the suite instead of skipping these tests.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BINARY_OPS, type Conv2dGeometry, FUSED_ACTIVATIONS, type Kernels, REDUCE_OPS, RNN_KINDS, type RnnSpec, UNARY_OPS,
} from "../../../src/backends/kernels.js";
import { jsKernels } from "../../../src/backends/js/index.js";
import { addonPath, loadAddon, makeNativeKernels } from "../../../src/backends/native/index.js";
import { conv2dGeometry } from "../../../src/ops/conv.js";
import { pool2dGeometry } from "../../../src/ops/pool.js";
import { Random } from "../../../src/tensor/random.js";
import { assertClose } from "../../helpers/gradcheck.js";

let native: Kernels | null = null;
let skip: string | false = false;
try {
  native = makeNativeKernels(loadAddon());
  console.log(`native addon: ${JSON.stringify(loadAddon().info())}`);
} catch (err) {
  skip = `native addon unavailable: ${(err as Error).message}`;
  console.log(`skipping native kernel tests: ${skip}`);
}

test("the native addon is present where it is required (KERNO_REQUIRE_NATIVE=1)", () => {
  if (process.env.KERNO_REQUIRE_NATIVE === "1") assert.equal(skip, false, String(skip));
});

const js = jsKernels;
const rng = new Random(99);
const randArray = (n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
const randInts = (n: number, hi: number) => Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * hi));
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const broadcastShape = (a: number[], b: number[]) => {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => Math.max(a[i - (r - a.length)] ?? 1, b[i - (r - b.length)] ?? 1));
};
const close = (got: ArrayLike<number>, want: ArrayLike<number>, what: string, rtol = 1e-5, atol = 1e-6) => assertClose(got, want, rtol, atol, what);

const CONV_CASES: [number[], number[], number, "valid" | "same", number][] = [
  [[1, 7, 6, 1], [3, 3, 1, 5], 1, "valid", 1],
  [[2, 9, 9, 3], [3, 3, 3, 7], 2, "same", 1],
  [[3, 8, 7, 5], [3, 2, 5, 9], 1, "same", 1],
  [[2, 10, 11, 4], [3, 3, 4, 13], 2, "valid", 1],
  [[1, 9, 9, 2], [3, 3, 2, 3], 1, "same", 2],
  [[4, 5, 5, 17], [1, 1, 17, 6], 1, "valid", 1],
  [[2, 28, 28, 1], [3, 3, 1, 32], 1, "valid", 1],
  [[5, 13, 13, 32], [3, 3, 32, 64], 1, "valid", 1],
];
function convCases(): { g: Conv2dGeometry; x: Float32Array; w: Float32Array; dy: Float32Array; what: string }[] {
  return CONV_CASES.map(([xs, ws, strides, padding, dilationRate]) => {
    const g = conv2dGeometry(xs, ws, { strides, padding, dilationRate });
    return { g, x: randArray(size(xs)), w: randArray(size(ws)), dy: randArray(g.batch * g.outH * g.outW * g.outC), what: `conv ${xs} ${ws} s${strides} ${padding} d${dilationRate}` };
  });
}

const POOL_CASES: [number[], number, number, "valid" | "same"][] = [
  [[1, 7, 7, 3], 2, 2, "valid"], [[2, 9, 8, 5], 3, 2, "same"], [[3, 6, 6, 17], 3, 1, "same"], [[2, 26, 26, 32], 2, 2, "valid"],
];
function poolCases() {
  return POOL_CASES.map(([xs, poolSize, strides, padding]) => {
    const g = pool2dGeometry(xs, { poolSize, strides, padding }, "test");
    return { g, x: randArray(size(xs)), dy: randArray(g.batch * g.outH * g.outW * g.channels) };
  });
}

const RESIZE_CASES = [
  { batch: 2, inH: 5, inW: 7, channels: 3, outH: 9, outW: 4, alignCorners: false, halfPixelCenters: true },
  { batch: 1, inH: 8, inW: 8, channels: 2, outH: 3, outW: 11, alignCorners: true, halfPixelCenters: false },
  { batch: 1, inH: 4, inW: 6, channels: 1, outH: 8, outW: 12, alignCorners: false, halfPixelCenters: false },
];

const REDUCE_SHAPES = [[3, 17, 5], [51, 5, 1], [1, 255, 1], [3, 1, 85]];
const SOFTMAX_SHAPES = REDUCE_SHAPES;
const BINARY_SHAPES = [[[7, 13], [7, 13]], [[7, 13], [13]], [[7, 1, 5], [3, 1]], [[1], [4, 9]], [[2, 3, 4, 5], [2, 1, 4, 1]]];

function rnnCase(kind: RnnSpec["kind"], [batch, steps, features, units]: number[]) {
  const spec: RnnSpec = { kind, batch, steps, features, units, activation: kind === "simple" ? "relu" : "tanh", recurrentActivation: "sigmoid" };
  const G = { simple: 1, lstm: 4, gru: 3 }[kind];
  return {
    spec,
    x: randArray(batch * steps * features), W: randArray(features * G * units), R: randArray(units * G * units),
    bias: randArray(G * units * (kind === "gru" ? 2 : 1)), h0: randArray(batch * units), c0: kind === "lstm" ? randArray(batch * units) : null,
    mask: steps > 1 ? Float32Array.from({ length: batch * steps }, (_, i) => (i % 3 === 1 ? 0 : 1)) : null,
    recMask: batch === 3 ? Float32Array.from({ length: batch * units }, (_, i) => (i % 4 === 0 ? 0 : 4 / 3)) : null,
  };
}
const RNN_SIZES = [[1, 1, 6, 16], [3, 5, 4, 7], [32, 6, 1, 16]];

function optimizerRun(k: Kernels, which: "sgd" | "rmsprop" | "adam"): Float32Array {
  const local = new Random(3);
  const p = Float32Array.from({ length: 1003 }, () => local.uniform() - 0.5), g = Float32Array.from({ length: 1003 }, () => local.uniform() - 0.5);
  const s1 = new Float32Array(1003), s2 = new Float32Array(1003);
  for (let step = 1; step <= 3; step++) {
    if (which === "sgd") k.sgdUpdate(p, g, step === 3 ? null : s1, 0.1, 0.9, step === 2);
    if (which === "rmsprop") k.rmspropUpdate(p, g, s1, step === 3 ? s2 : null, 0.01, 0.9, 0.5, 1e-7);
    if (which === "adam") k.adamUpdate(p, g, s1, s2, 0.01, 0.9, 0.999, 1e-7, step, step === 2 ? 0.01 : 0);
  }
  return p;
}

type Case = (n: Kernels) => void;
const cases: Record<Exclude<keyof Kernels, "name">, Case> = {
  unary(n) {
    const x = randArray(1001, -3, 3), pos = randArray(1001, 0.1, 3);
    for (const op of UNARY_OPS) {
      const input = ["sqrt", "rsqrt", "log", "log1p", "reciprocal"].includes(op) ? pos : x;
      close(n.unary(op, input, 0.3), js.unary(op, input, 0.3), op);
    }
  },
  unaryGrad(n) {
    const x = randArray(1001, -3, 3), pos = randArray(1001, 0.1, 3), dy = randArray(1001);
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
      const a = Float32Array.from(randInts(size(as), 4)), b = Float32Array.from(randInts(size(bs), 4), (v) => v + 0.5 * (v % 2));
      for (const op of BINARY_OPS) {
        const aa = op === "pow" ? randArray(size(as), 0.5, 2) : a;
        const bb = op === "div" || op === "pow" ? randArray(size(bs), 0.5, 2) : b;
        close(n.binary(op, aa, as, bb, bs, out), js.binary(op, aa, as, bb, bs, out), `${op} ${as} ${bs}`);
      }
      const ia = randInts(size(as), 5), ib = randInts(size(bs), 5);
      for (const op of BINARY_OPS) if (op !== "div" && op !== "pow") assert.deepEqual(n.binary(op, ia, as, ib, bs, out), js.binary(op, ia, as, ib, bs, out), `int32 ${op}`);
    }
  },
  where(n) {
    const cond = Uint8Array.from(randInts(24, 2)), a = randArray(24), b = randArray(4);
    assert.deepEqual(n.where(cond, [2, 3, 4], a, [2, 3, 4], b, [4], [2, 3, 4]), js.where(cond, [2, 3, 4], a, [2, 3, 4], b, [4], [2, 3, 4]));
  },
  cast(n) {
    const x = randArray(50, -5, 5);
    for (const dtype of ["float32", "int32", "bool"] as const) assert.deepEqual(n.cast(x, dtype), js.cast(x, dtype));
  },
  biasActivation(n) {
    const z = randArray(35 * 13), bias = randArray(13);
    for (const act of FUSED_ACTIVATIONS) {
      close(n.biasActivation(z, bias, act), js.biasActivation(z, bias, act), act);
      close(n.biasActivation(z, null, act), js.biasActivation(z, null, act), `${act} without bias`);
    }
  },
  biasActivationGrad(n) {
    const z = randArray(35 * 13), bias = randArray(13);
    for (const act of FUSED_ACTIVATIONS) {
      const y = js.biasActivation(z, bias, act);
      for (const channels of [0, 13]) {
        const got = n.biasActivationGrad(z, y, act, channels), want = js.biasActivationGrad(z, y, act, channels);
        close(got.dz, want.dz, `${act} dz`);
        if (channels) close(got.db!, want.db!, `${act} db`, 1e-4, 1e-5);
        else assert.equal(got.db, null);
      }
    }
  },
  reduce(n) {
    const x = randArray(3 * 17 * 5);
    for (const [o, m, i] of REDUCE_SHAPES) for (const op of REDUCE_OPS) close(n.reduce(op, x, o, m, i), js.reduce(op, x, o, m, i), `${op} ${o},${m},${i}`, 1e-5, 1e-5);
  },
  argReduce(n) {
    const x = randArray(3 * 17 * 5);
    for (const [o, m, i] of REDUCE_SHAPES) for (const op of ["argmax", "argmin"] as const) assert.deepEqual(n.argReduce(op, x, o, m, i), js.argReduce(op, x, o, m, i));
  },
  transpose(n) {
    for (const [shape, perm] of [[[3, 17, 5], [2, 0, 1]], [[33, 65], [1, 0]], [[2, 3, 4, 5], [0, 2, 3, 1]]] as [number[], number[]][]) {
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
    assert.deepEqual(n.pad(x, [3, 4], [[1, 2], [0, 3]], 0.5), js.pad(x, [3, 4], [[1, 2], [0, 3]], 0.5));
  },
  concat(n) {
    const a = randArray(6), b = randArray(9);
    assert.deepEqual(n.concat([a, b], [[3, 2], [3, 3]], 1), js.concat([a, b], [[3, 2], [3, 3]], 1));
  },
  gather(n) {
    const x = randArray(5 * 4), idx = Int32Array.of(4, 0, 0, 2);
    assert.deepEqual(n.gather(x, [5, 4], idx, 0), js.gather(x, [5, 4], idx, 0));
    assert.deepEqual(n.gather(x, [5, 4], Int32Array.of(3, 1), 1), js.gather(x, [5, 4], Int32Array.of(3, 1), 1));
  },
  scatterAdd(n) {
    const dy = randArray(4 * 4), idx = Int32Array.of(4, 0, 0, 2);
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
    for (const [m, nn, k] of [[1, 1, 1], [7, 13, 5], [33, 17, 300], [64, 10, 1152], [130, 70, 9]]) {
      for (const ta of [false, true]) for (const tb of [false, true]) {
        const aShape = ta ? [2, k, m] : [2, m, k], bShape = tb ? [nn, k] : [k, nn];
        const a = randArray(size(aShape)), b = randArray(size(bShape));
        const out = [2, m, nn];
        close(n.matMul(a, aShape, b, bShape, ta, tb, out), js.matMul(a, aShape, b, bShape, ta, tb, out), `matMul ${m}x${nn}x${k}`, 1e-4, 1e-4);
      }
    }
  },
  conv2d(n) {
    for (const { g, x, w, what } of convCases()) {
      close(n.conv2d(x, w, g, null, "linear"), js.conv2d(x, w, g, null, "linear"), `${what} forward`, 1e-4, 1e-4);
      const bias = randArray(g.outC);
      for (const act of FUSED_ACTIVATIONS) close(n.conv2d(x, w, g, bias, act), js.conv2d(x, w, g, bias, act), `${what} forward + bias + ${act}`, 1e-4, 1e-4);
    }
  },
  conv2dBackpropInput(n) {
    for (const { g, w, dy, what } of convCases()) close(n.conv2dBackpropInput(dy, w, g), js.conv2dBackpropInput(dy, w, g), `${what} dx`, 1e-4, 1e-4);
  },
  conv2dBackpropFilter(n) {
    for (const { g, x, dy, what } of convCases()) close(n.conv2dBackpropFilter(x, dy, g), js.conv2dBackpropFilter(x, dy, g), `${what} dw`, 1e-4, 1e-3);
  },
  maxPool2d(n) {
    for (const { g, x } of poolCases()) close(n.maxPool2d(x, g), js.maxPool2d(x, g), "maxPool2d", 0, 0);
  },
  maxPool2dGrad(n) {
    for (const { g, x, dy } of poolCases()) close(n.maxPool2dGrad(dy, x, g), js.maxPool2dGrad(dy, x, g), "maxPool2dGrad");
  },
  avgPool2d(n) {
    for (const { g, x } of poolCases()) close(n.avgPool2d(x, g), js.avgPool2d(x, g), "avgPool2d");
  },
  avgPool2dGrad(n) {
    for (const { g, dy } of poolCases()) close(n.avgPool2dGrad(dy, g), js.avgPool2dGrad(dy, g), "avgPool2dGrad");
  },
  resizeBilinear(n) {
    for (const g of RESIZE_CASES) { const x = randArray(g.batch * g.inH * g.inW * g.channels); close(n.resizeBilinear(x, g), js.resizeBilinear(x, g), "resizeBilinear"); }
  },
  resizeBilinearGrad(n) {
    for (const g of RESIZE_CASES) { const dy = randArray(g.batch * g.outH * g.outW * g.channels); close(n.resizeBilinearGrad(dy, g), js.resizeBilinearGrad(dy, g), "resizeBilinearGrad"); }
  },
  resizeNearest(n) {
    for (const g of RESIZE_CASES) { const x = randArray(g.batch * g.inH * g.inW * g.channels); close(n.resizeNearest(x, g), js.resizeNearest(x, g), "resizeNearest"); }
  },
  resizeNearestGrad(n) {
    for (const g of RESIZE_CASES) { const dy = randArray(g.batch * g.outH * g.outW * g.channels); close(n.resizeNearestGrad(dy, g), js.resizeNearestGrad(dy, g), "resizeNearestGrad"); }
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
    const x = randArray(255), dy = randArray(255);
    for (const [o, m, i] of SOFTMAX_SHAPES) { const y = js.softmax(x, o, m, i); close(n.softmaxGrad(dy, y, o, m, i), js.softmaxGrad(dy, y, o, m, i), "softmaxGrad", 1e-4); }
  },
  logSoftmaxGrad(n) {
    const x = randArray(255), dy = randArray(255);
    for (const [o, m, i] of SOFTMAX_SHAPES) { const y = js.logSoftmax(x, o, m, i); close(n.logSoftmaxGrad(dy, y, o, m, i), js.logSoftmaxGrad(dy, y, o, m, i), "logSoftmaxGrad", 1e-4, 1e-5); }
  },
  softmaxCrossEntropy(n) {
    const logits = randArray(90, -4, 4), soft = randArray(90, 0, 1);
    const got = n.softmaxCrossEntropy(logits, soft, 9, 10), want = js.softmaxCrossEntropy(logits, soft, 9, 10);
    close(got.loss, want.loss, "loss", 1e-5, 1e-5);
    close(got.dlogits, want.dlogits, "dlogits");
  },
  sparseSoftmaxCrossEntropy(n) {
    const logits = randArray(90, -4, 4), labels = Int32Array.from({ length: 9 }, (_, i) => i % 10);
    const got = n.sparseSoftmaxCrossEntropy(logits, labels, 9, 10), want = js.sparseSoftmaxCrossEntropy(logits, labels, 9, 10);
    close(got.loss, want.loss, "loss", 1e-5, 1e-5);
    close(got.dlogits, want.dlogits, "dlogits");
    assert.throws(() => n.sparseSoftmaxCrossEntropy(logits, Int32Array.of(0, 10, 0, 0, 0, 0, 0, 0, 0), 9, 10), /label 10 at row 1 is outside \[0, 10\)/);
  },
  sigmoidCrossEntropy(n) {
    const logits = randArray(90, -4, 4), soft = randArray(90, 0, 1);
    const got = n.sigmoidCrossEntropy(logits, soft), want = js.sigmoidCrossEntropy(logits, soft);
    close(got.loss, want.loss, "loss", 1e-5, 1e-5);
    close(got.dlogits, want.dlogits, "dlogits");
  },
  rnnForward(n) {
    for (const kind of RNN_KINDS) for (const dims of RNN_SIZES) {
      const c = rnnCase(kind, dims);
      const a = n.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask), b = js.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask);
      close(a.hs, b.hs, `${kind} hs`, 1e-4, 1e-5);
      if (b.cs) close(a.cs!, b.cs, `${kind} cs`, 1e-4, 1e-5);
    }
  },
  rnnBackward(n) {
    for (const kind of RNN_KINDS) for (const dims of RNN_SIZES) {
      const c = rnnCase(kind, dims);
      const a = n.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask), b = js.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask);
      const dhs = randArray(a.hs.length), dcT = kind === "lstm" ? randArray(c.h0.length) : null;
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

for (const [name, run] of Object.entries(cases)) {
  test(`native ${name} matches the TypeScript reference`, { skip }, () => run(native!));
}

test("the addon checks its arguments: a bad call is a TypeError naming the kernel and argument, not a crash", { skip }, () => {
  const a = loadAddon();
  const x = new Float32Array(8), y = new Float32Array(8);
  assert.throws(() => a.unary(99, x, y, 0), { name: "TypeError", message: /native unary: argument 'op' must be an integer in \[0, 18\]/ });
  assert.throws(() => a.unary(0, x, new Float32Array(4), 0), /native unary: argument 'y' has 4 elements, needs at least 8/);
  assert.throws(() => a.unary(0, new Int32Array(8) as never, y, 0), /native unary: argument 'x' must be a Float32Array/);
  assert.throws(() => (a.conv2d as (...args: unknown[]) => void)(x, x, y), /native conv2d: argument 'geometry' must be a Int32Array/);
  const g = Int32Array.of(1, 4, 4, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 0, 0);
  assert.throws(() => a.conv2d(new Float32Array(15), new Float32Array(9), new Float32Array(4), g, null, 0), /native conv2d: argument 'x' has 15 elements, needs at least 16/);
  assert.throws(() => a.conv2d(new Float32Array(16), new Float32Array(9), new Float32Array(4), g, null, 7), /native conv2d: argument 'act' must be an integer in \[0, 3\]/);
  assert.throws(() => a.binary(0, x, Int32Array.of(1), x, Int32Array.of(1), y, Int32Array.of(9), false), /native binary: argument 'a' has 8 elements, needs at least 9/);
  assert.throws(() => a.reduce(5, x, y, 1, 8, 1), /native reduce: argument 'op'/);
  assert.throws(() => a.rnnForward(Int32Array.of(9, 1, 1, 1, 1, 0, 0), x, x, x, null, x, null, null, null, x, null, null), /native rnnForward: argument 'spec' has an unknown kind/);
  assert.throws(() => a.adamUpdate(x, x, x, new Float32Array(2), 0.1, 0.9, 0.999, 1e-7, 1, 0), /native adamUpdate: argument 'v' has 2 elements/);
});

test("the addon is safe from worker_threads, concurrently with the main thread", { skip }, async () => {
  const { Worker } = await import("node:worker_threads");
  const xShape = [4, 16, 16, 8], wShape = [3, 3, 8, 16];
  const x = randArray(size(xShape)), w = randArray(size(wShape));
  const g = conv2dGeometry(xShape, wShape, { padding: "same" });
  const want = js.conv2d(x, w, g, null, "linear");
  const geometry = Int32Array.of(g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft);
  const workers = [0, 1].map(() => new Worker(new URL("../../helpers/native-worker.mjs", import.meta.url), {
    workerData: { addonPath: addonPath(), x, w, geometry, outSize: want.length, repeats: 20 },
  }));
  const results = workers.map((wk) => new Promise<Float32Array>((resolve, reject) => { wk.on("message", resolve); wk.on("error", reject); }));
  for (let i = 0; i < 20; i++) close(native!.conv2d(x, w, g, null, "linear"), want, "main thread", 1e-4, 1e-4);
  for (const r of await Promise.all(results)) close(r, want, "worker", 1e-4, 1e-4);
});

test("the MNIST CNN's training step gives the same loss curve on both backends from the same seed", { skip }, async () => {
  const { withBackend } = await import("../../../src/backends/registry.js");
  const ops = await import("../../../src/index.js");
  const lossCurve = (backendName: string, kernels: Kernels): number[] => withBackend(backendName, () => {
    const rnd = new Random(5);
    const glorot = (shape: number[], fanIn: number, fanOut: number) => {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return new ops.Variable(ops.tensor(Float32Array.from({ length: size(shape) }, () => (rnd.uniform() * 2 - 1) * limit), shape));
    };
    const p = [glorot([3, 3, 1, 32], 9, 288), new ops.Variable(ops.zeros([32])), glorot([3, 3, 32, 64], 288, 576), new ops.Variable(ops.zeros([64])),
      glorot([3, 3, 64, 128], 576, 1152), new ops.Variable(ops.zeros([128])), glorot([1152, 10], 1152, 10), new ops.Variable(ops.zeros([10]))];
    const x = ops.randomNormal([8, 28, 28, 1], 0, 1, { seed: 3 });
    const y = ops.tensor(Int32Array.from({ length: 8 }, (_, i) => i % 10), [8], "int32");
    const slots = p.map((v) => new Float32Array(v.size));
    const lossAndGrads = ops.valueAndGrad((_vs: typeof p) => {
      let h = ops.maxPool2d(ops.conv2d(x, p[0], { bias: p[1], activation: "relu" }));
      h = ops.maxPool2d(ops.conv2d(h, p[2], { bias: p[3], activation: "relu" }));
      h = ops.conv2d(h, p[4], { bias: p[5], activation: "relu" });
      const logits = ops.biasActivation(ops.matMul(ops.reshape(h, [8, -1]), p[6]), p[7]);
      return ops.mean(ops.sparseSoftmaxCrossEntropyWithLogits(y, logits));
    });
    const losses: number[] = [];
    for (let step = 0; step < 6; step++) {
      const { value, grads } = lossAndGrads(p);
      losses.push(value.item());
      p.forEach((v, i) => kernels.rmspropUpdate(v.data(), grads[i].data(), slots[i], null, 1e-3, 0.9, 0, 1e-7));
    }
    return losses;
  });
  const a = lossCurve("native", native!), b = lossCurve("js", js);
  close(a, b, "loss curve", 1e-4, 1e-5);
  assert.ok(a[5] < a[0], `loss falls: ${a.join(", ")}`);
});
