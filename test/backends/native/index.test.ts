/**
 * Every native kernel against the TypeScript reference, on random shapes: odd sizes, batch 1,
 * strides 1 and 2, both paddings, channel counts that are not multiples of the vector width.
 * `npm test` also runs this file with KERNO_ISA=portable, so the portable path is checked too.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Conv2dGeometry, Kernels, RnnSpec } from "../../../src/backends/kernels.js";
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
const js = jsKernels;
const rng = new Random(99);
const randArray = (n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

test("matMul: odd sizes, transposes, broadcast batches", { skip }, () => {
  for (const [m, n, k] of [[1, 1, 1], [7, 13, 5], [33, 17, 300], [64, 10, 1152], [130, 70, 9]]) {
    for (const ta of [false, true]) for (const tb of [false, true]) {
      const aShape = ta ? [2, k, m] : [2, m, k], bShape = tb ? [n, k] : [k, n];
      const a = randArray(size(aShape)), b = randArray(size(bShape));
      const out = [2, m, n];
      assertClose(native!.matMul(a, aShape, b, bShape, ta, tb, out), js.matMul(a, aShape, b, bShape, ta, tb, out), 1e-4, 1e-4, `matMul ${m}x${n}x${k}`);
    }
  }
});

test("conv2d forward and both backward passes", { skip }, () => {
  const cases: [number[], number[], number, "valid" | "same", number][] = [
    [[1, 7, 6, 1], [3, 3, 1, 5], 1, "valid", 1],
    [[2, 9, 9, 3], [3, 3, 3, 7], 2, "same", 1],
    [[3, 8, 7, 5], [3, 2, 5, 9], 1, "same", 1],
    [[2, 10, 11, 4], [3, 3, 4, 13], 2, "valid", 1],
    [[1, 9, 9, 2], [3, 3, 2, 3], 1, "same", 2],
    [[4, 5, 5, 17], [1, 1, 17, 6], 1, "valid", 1],
    [[2, 28, 28, 1], [3, 3, 1, 32], 1, "valid", 1],
    [[5, 13, 13, 32], [3, 3, 32, 64], 1, "valid", 1],
  ];
  for (const [xs, ws, strides, padding, dilationRate] of cases) {
    const g: Conv2dGeometry = conv2dGeometry(xs, ws, { strides, padding, dilationRate });
    const x = randArray(size(xs)), w = randArray(size(ws));
    const dy = randArray(g.batch * g.outH * g.outW * g.outC);
    const what = `conv ${xs} ${ws} s${strides} ${padding} d${dilationRate}`;
    assertClose(native!.conv2d(x, w, g, null, "linear"), js.conv2d(x, w, g, null, "linear"), 1e-4, 1e-4, `${what} forward`);
    const bias = randArray(g.outC);
    for (const act of ["relu", "tanh"] as const) {
      assertClose(native!.conv2d(x, w, g, bias, act), js.conv2d(x, w, g, bias, act), 1e-4, 1e-4, `${what} forward + bias + ${act}`);
    }
    assertClose(native!.conv2dBackpropInput(dy, w, g), js.conv2dBackpropInput(dy, w, g), 1e-4, 1e-4, `${what} dx`);
    assertClose(native!.conv2dBackpropFilter(x, dy, g), js.conv2dBackpropFilter(x, dy, g), 1e-4, 1e-3, `${what} dw`);
  }
});

test("pooling forward and backward", { skip }, () => {
  for (const [xs, poolSize, strides, padding] of [
    [[1, 7, 7, 3], 2, 2, "valid"], [[2, 9, 8, 5], 3, 2, "same"], [[3, 6, 6, 17], 3, 1, "same"], [[2, 26, 26, 32], 2, 2, "valid"],
  ] as [number[], number, number, "valid" | "same"][]) {
    const g = pool2dGeometry(xs, { poolSize, strides, padding }, "test");
    const x = randArray(size(xs)), dy = randArray(g.batch * g.outH * g.outW * g.channels);
    assertClose(native!.maxPool2d(x, g), js.maxPool2d(x, g), 0, 0, "maxPool2d");
    assertClose(native!.maxPool2dGrad(dy, x, g), js.maxPool2dGrad(dy, x, g), 1e-6, 1e-6, "maxPool2dGrad");
    assertClose(native!.avgPool2d(x, g), js.avgPool2d(x, g), 1e-5, 1e-6, "avgPool2d");
    assertClose(native!.avgPool2dGrad(dy, g), js.avgPool2dGrad(dy, g), 1e-5, 1e-6, "avgPool2dGrad");
  }
});

test("elementwise: every unary op and its gradient, broadcasting binary ops, bias + activation", { skip }, () => {
  const x = randArray(1001, -3, 3), dy = randArray(1001), pos = randArray(1001, 0.1, 3);
  for (const op of ["neg", "abs", "sign", "square", "sqrt", "rsqrt", "exp", "log", "log1p", "reciprocal", "relu", "leakyRelu",
    "elu", "selu", "gelu", "sigmoid", "tanh", "softplus", "erf"] as const) {
    const input = ["sqrt", "rsqrt", "log", "log1p", "reciprocal"].includes(op) ? pos : x;
    const y = js.unary(op, input, 0.3);
    assertClose(native!.unary(op, input, 0.3), y, 1e-5, 1e-6, op);
    assertClose(native!.unaryGrad(op, dy, input, y, 0.3), js.unaryGrad(op, dy, input, y, 0.3), 1e-4, 1e-5, `${op} grad`);
  }
  for (const [as, bs] of [[[7, 13], [7, 13]], [[7, 13], [13]], [[7, 1, 5], [3, 1]], [[1], [4, 9]], [[2, 3, 4, 5], [2, 1, 4, 1]]]) {
    const out = as.length >= bs.length ? as.map((d, i) => Math.max(d, bs[i - (as.length - bs.length)] ?? 1)) : bs.map((d, i) => Math.max(d, as[i - (bs.length - as.length)] ?? 1));
    const a = randArray(size(as)), b = randArray(size(bs), 0.5, 2);
    for (const op of ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "greater", "equal", "lessEqual"] as const) {
      const aa = op === "pow" ? randArray(size(as), 0.5, 2) : a;
      assertClose(native!.binary(op, aa, as, b, bs, out), js.binary(op, aa, as, b, bs, out), 1e-5, 1e-6, `${op} ${as} ${bs}`);
    }
  }
  const z = randArray(35 * 13), bias = randArray(13);
  for (const act of ["linear", "relu", "sigmoid", "tanh"] as const) {
    const y = js.biasActivation(z, bias, act);
    assertClose(native!.biasActivation(z, bias, act), y, 1e-5, 1e-6, act);
    for (const channels of [0, 13]) {
      const got = native!.biasActivationGrad(z, y, act, channels), want = js.biasActivationGrad(z, y, act, channels);
      assertClose(got.dz, want.dz, 1e-5, 1e-6, `${act} dz`);
      if (channels) assertClose(got.db!, want.db!, 1e-4, 1e-5, `${act} db`);
      else assert.equal(got.db, null);
    }
  }
});

test("reductions, transpose, softmax and the cross-entropy cores", { skip }, () => {
  const x = randArray(3 * 17 * 5);
  for (const [o, n, i] of [[3, 17, 5], [51, 5, 1], [1, 255, 1], [3, 1, 85]]) {
    for (const op of ["sum", "max", "min"] as const) assertClose(native!.reduce(op, x, o, n, i), js.reduce(op, x, o, n, i), 1e-5, 1e-5, `${op} ${o},${n},${i}`);
    assert.deepEqual(native!.argReduce("argmax", x, o, n, i), js.argReduce("argmax", x, o, n, i));
    assert.deepEqual(native!.argReduce("argmin", x, o, n, i), js.argReduce("argmin", x, o, n, i));
    const y = js.softmax(x, o, n, i), ly = js.logSoftmax(x, o, n, i), dy = randArray(x.length);
    assertClose(native!.softmax(x, o, n, i), y, 1e-5, 1e-6, "softmax");
    assertClose(native!.logSoftmax(x, o, n, i), ly, 1e-5, 1e-5, "logSoftmax");
    assertClose(native!.softmaxGrad(dy, y, o, n, i), js.softmaxGrad(dy, y, o, n, i), 1e-4, 1e-6, "softmaxGrad");
    assertClose(native!.logSoftmaxGrad(dy, ly, o, n, i), js.logSoftmaxGrad(dy, ly, o, n, i), 1e-4, 1e-5, "logSoftmaxGrad");
  }
  for (const [shape, perm] of [[[3, 17, 5], [2, 0, 1]], [[33, 65], [1, 0]], [[2, 3, 4, 5], [0, 2, 3, 1]]] as [number[], number[]][]) {
    const t = randArray(size(shape));
    assert.deepEqual(native!.transpose(t, shape, perm), js.transpose(t, shape, perm));
  }
  const logits = randArray(9 * 10, -4, 4), soft = randArray(9 * 10, 0, 1), labels = Int32Array.from({ length: 9 }, (_, i) => i % 10);
  for (const [name, got, want] of [
    ["softmaxCE", native!.softmaxCrossEntropy(logits, soft, 9, 10), js.softmaxCrossEntropy(logits, soft, 9, 10)],
    ["sparseCE", native!.sparseSoftmaxCrossEntropy(logits, labels, 9, 10), js.sparseSoftmaxCrossEntropy(logits, labels, 9, 10)],
    ["sigmoidCE", native!.sigmoidCrossEntropy(logits, soft), js.sigmoidCrossEntropy(logits, soft)],
  ] as const) {
    assertClose(got.loss, want.loss, 1e-5, 1e-5, `${name} loss`);
    assertClose(got.dlogits, want.dlogits, 1e-5, 1e-6, `${name} dlogits`);
  }
  assert.throws(() => native!.sparseSoftmaxCrossEntropy(logits, Int32Array.of(0, 10, 0, 0, 0, 0, 0, 0, 0), 9, 10), /label 10 at row 1 is outside \[0, 10\)/);
});

test("optimizer updates", { skip }, () => {
  const p = randArray(1003), g = randArray(1003);
  const run = (k: Kernels) => {
    const q = p.slice(), s1 = new Float32Array(1003), s2 = new Float32Array(1003), s3 = new Float32Array(1003), s4 = new Float32Array(1003);
    for (let step = 1; step <= 3; step++) {
      k.sgdUpdate(q, g, s1, 0.1, 0.9, step === 2);
      k.rmspropUpdate(q, g, s2, step === 3 ? s4 : null, 0.01, 0.9, 0.5, 1e-7);
      k.adamUpdate(q, g, s3, s4, 0.01, 0.9, 0.999, 1e-7, step, step === 2 ? 0.01 : 0);
    }
    return q;
  };
  assertClose(run(native!), run(js), 1e-5, 1e-5, "updated params");
});

test("recurrent layers forward and backward (SimpleRNN, LSTM, GRU; masks; recurrent dropout; relu)", { skip }, () => {
  for (const kind of ["simple", "lstm", "gru"] as const) {
    for (const [batch, steps, features, units] of [[1, 1, 6, 16], [3, 5, 4, 7], [32, 6, 1, 16]]) {
      const spec: RnnSpec = { kind, batch, steps, features, units, activation: kind === "simple" ? "relu" : "tanh", recurrentActivation: "sigmoid" };
      const G = { simple: 1, lstm: 4, gru: 3 }[kind];
      const x = randArray(batch * steps * features), W = randArray(features * G * units), R = randArray(units * G * units);
      const bias = randArray(G * units * (kind === "gru" ? 2 : 1)), h0 = randArray(batch * units), c0 = kind === "lstm" ? randArray(batch * units) : null;
      const mask = steps > 1 ? Float32Array.from({ length: batch * steps }, (_, i) => (i % 3 === 1 ? 0 : 1)) : null;
      const recMask = batch === 3 ? Float32Array.from({ length: batch * units }, (_, i) => (i % 4 === 0 ? 0 : 4 / 3)) : null;
      const a = native!.rnnForward(spec, x, W, R, bias, h0, c0, mask, recMask), b = js.rnnForward(spec, x, W, R, bias, h0, c0, mask, recMask);
      assertClose(a.hs, b.hs, 1e-4, 1e-5, `${kind} hs`);
      const dhs = randArray(batch * steps * units), dcT = kind === "lstm" ? randArray(batch * units) : null;
      const ga = native!.rnnBackward(spec, dhs, dcT, x, W, R, bias, h0, c0, mask, recMask, a);
      const gb = js.rnnBackward(spec, dhs, dcT, x, W, R, bias, h0, c0, mask, recMask, b);
      for (const key of ["dx", "dW", "dR", "db", "dh0", "dc0"] as const) {
        if (gb[key]) assertClose(ga[key]!, gb[key]!, 1e-3, 1e-4, `${kind} ${key}`);
      }
    }
  }
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
  for (let i = 0; i < 20; i++) assertClose(native!.conv2d(x, w, g, null, "linear"), want, 1e-4, 1e-4, "main thread");
  for (const r of await Promise.all(results)) assertClose(r, want, 1e-4, 1e-4, "worker");
});

test("the MNIST CNN's training step gives the same loss curve on both backends from the same seed", { skip }, async () => {
  const { withBackend } = await import("../../../src/backends/registry.js");
  const ops = await import("../../../src/index.js");
  const lossCurve = (backendName: string): number[] => withBackend(backendName, () => {
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
      p.forEach((v, i) => (withBackendKernels(backendName)).rmspropUpdate(v.data() as Float32Array, grads[i].data() as Float32Array, slots[i], null, 1e-3, 0.9, 0, 1e-7));
    }
    return losses;
  });
  const withBackendKernels = (name: string): Kernels => (name === "js" ? js : native!);
  const a = lossCurve("native"), b = lossCurve("js");
  assertClose(a, b, 1e-4, 1e-5, "loss curve");
  assert.ok(a[5] < a[0], `loss falls: ${a.join(", ")}`);
});
