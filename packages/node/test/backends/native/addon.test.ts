/** The addon's boundary and runtime: argument checks, worker_threads, and a whole training step against the TypeScript backend. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Kernels } from "@kerno/core/backends/kernels.js";
import { conv2dGeometry } from "@kerno/core/ops/conv.js";
import { Random } from "@kerno/core/tensor/random.js";
import { close, js, randArray, size } from "../../../../core/test/helpers/kernel-cases.js";
import { addonPath, loadAddon, makeNativeKernels } from "../../../src/backends/native/index.js";

let native: Kernels | null = null;
let skip: string | false = false;
try {
  native = makeNativeKernels(loadAddon());
  console.log(`native addon: ${JSON.stringify(loadAddon().info())}`);
} catch (err) {
  skip = `native addon unavailable: ${(err as Error).message}`;
  console.log(`skipping native kernel tests: ${skip}`);
}

test("the addon checks its arguments: a bad call is a TypeError naming the kernel and argument, not a crash", { skip }, () => {
  const a = loadAddon();
  const x = new Float32Array(8),
    y = new Float32Array(8);
  assert.throws(() => a.unary(99, x, y, 0), { name: "TypeError", message: /native unary: argument 'op' must be an integer in \[0, 18\]/ });
  assert.throws(() => a.unary(0, x, new Float32Array(4), 0), /native unary: argument 'y' has 4 elements, needs at least 8/);
  assert.throws(() => a.unary(0, new Int32Array(8) as never, y, 0), /native unary: argument 'x' must be a Float32Array/);
  assert.throws(() => (a.conv2d as (...args: unknown[]) => void)(x, x, y), /native conv2d: argument 'geometry' must be a Int32Array/);
  const g = Int32Array.of(1, 4, 4, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 0, 0);
  assert.throws(
    () => a.conv2d(new Float32Array(15), new Float32Array(9), new Float32Array(4), g, null, 0, false),
    /native conv2d: argument 'x' has 15 elements, needs at least 16/,
  );
  assert.throws(
    () => a.conv2d(new Float32Array(16), new Float32Array(9), new Float32Array(4), g, null, 7, false),
    /native conv2d: argument 'act' must be an integer in \[0, 3\]/,
  );
  assert.throws(
    () => a.binary(0, x, Int32Array.of(1), x, Int32Array.of(1), y, Int32Array.of(9), false),
    /native binary: argument 'a' has 8 elements, needs at least 9/,
  );
  assert.throws(() => a.reduce(5, x, y, 1, 8, 1), /native reduce: argument 'op'/);
  assert.throws(
    () => a.rnnForward(Int32Array.of(9, 1, 1, 1, 1, 0, 0), x, x, x, null, x, null, null, null, x, null, null),
    /native rnnForward: argument 'spec' has an unknown kind/,
  );
  assert.throws(() => a.adamUpdate(x, x, x, new Float32Array(2), 0.1, 0.9, 0.999, 1e-7, 1, 0), /native adamUpdate: argument 'v' has 2 elements/);
  // image loading's resize: [srcH, srcW, channels, top, left, height, width, outH, outW, nearest]
  const resize =
    (geometry: number[], src = new Uint8Array(16), out = new Float32Array(16)) =>
    () =>
      a.resizeBytes(src, out, Int32Array.from(geometry));
  const badGeometry = /native resizeBytes: argument 'geometry' needs positive sizes/;
  assert.throws(resize([4, 4, 1, 1, 0, 4, 4, 2, 2, 0]), badGeometry, "a window past the image");
  assert.throws(resize([4, 4, 1, 0, 0, 4, 4, 0, 2, 0]), badGeometry, "an empty output");
  // sizes whose products wrap around in 64 bits (or in wasm's 32) would pass a size check
  assert.throws(resize([1, 1, 1 << 22, 0, 0, 1, 1, 1 << 21, 1 << 21, 0]), badGeometry);
  assert.throws(resize([1, 1, 1, 0, 0, 1, 1, 65537, 65537, 0]), badGeometry);
  assert.throws(resize([4, 4, 1, 0, 0, 4, 4, 2, 2, 0], new Uint8Array(15)), /native resizeBytes: argument 'src' has 15 elements, needs at least 16/);
  assert.throws(resize([4, 4, 1, 0, 0, 4, 4, 4, 5, 0]), /native resizeBytes: argument 'out' has 16 elements, needs at least 20/);
});

test("a convolution's first call, which times the ways it may run, returns what every later call returns", { skip }, () => {
  // a shape no other test uses, so that this process has not chosen its ways yet
  for (const [xShape, wShape] of [
    [
      [3, 11, 9, 24],
      [3, 3, 24, 40],
    ],
    [
      [2, 10, 10, 20],
      [3, 3, 20, 36],
    ],
  ]) {
    const g = conv2dGeometry(xShape, wShape, { padding: "same" });
    const x = randArray(size(xShape)),
      w = randArray(size(wShape)),
      dy = randArray(g.batch * g.outH * g.outW * g.outC);
    const first = [native!.conv2d(x, w, g, null, "relu"), native!.conv2dBackpropInput(dy, w, g), native!.conv2dBackpropFilter(x, dy, g)];
    const later = [native!.conv2d(x, w, g, null, "relu"), native!.conv2dBackpropInput(dy, w, g), native!.conv2dBackpropFilter(x, dy, g)];
    first.forEach((f, i) => assert.deepEqual(f, later[i], `pass ${i} of ${xShape} * ${wShape}`));
  }
});

test("the addon measures this CPU's multiply-add peak (what the bench states GEMM speed as a share of)", { skip }, () => {
  const peak = loadAddon().fmaPeak();
  assert.ok(Number.isFinite(peak) && peak > 0, `fmaPeak() = ${peak}`);
  // on the calling thread alone (the machine profile's single-thread figure)
  const one = loadAddon().fmaPeak(1);
  assert.ok(Number.isFinite(one) && one > 0, `fmaPeak(1) = ${one}`);
});

test("the addon is safe from worker_threads, concurrently with the main thread", { skip }, async () => {
  const { Worker } = await import("node:worker_threads");
  const xShape = [4, 16, 16, 8],
    wShape = [3, 3, 8, 16];
  const x = randArray(size(xShape)),
    w = randArray(size(wShape));
  const g = conv2dGeometry(xShape, wShape, { padding: "same" });
  const want = js.conv2d(x, w, g, null, "linear");
  const geometry = Int32Array.of(
    g.batch,
    g.inH,
    g.inW,
    g.inC,
    g.outH,
    g.outW,
    g.outC,
    g.kH,
    g.kW,
    g.strideH,
    g.strideW,
    g.dilationH,
    g.dilationW,
    g.padTop,
    g.padLeft,
  );
  const workers = [0, 1].map(
    () =>
      new Worker(new URL("../../helpers/native-worker.mjs", import.meta.url), {
        workerData: { addonPath: addonPath(), x, w, geometry, outSize: want.length, repeats: 20 },
      }),
  );
  const results = workers.map(
    (wk) =>
      new Promise<Float32Array>((resolve, reject) => {
        wk.on("message", resolve);
        wk.on("error", reject);
      }),
  );
  for (let i = 0; i < 20; i++) close(native!.conv2d(x, w, g, null, "linear"), want, "main thread", 1e-4, 1e-4);
  for (const r of await Promise.all(results)) close(r, want, "worker", 1e-4, 1e-4);
});

test("the MNIST CNN's training step gives the same loss curve on both backends from the same seed", { skip }, async () => {
  const { withBackend } = await import("@kerno/core/backends/registry.js");
  const ops = await import("@kerno/core");
  const lossCurve = (backendName: string, kernels: Kernels): number[] =>
    withBackend(backendName, () => {
      const rnd = new Random(5);
      const glorot = (shape: number[], fanIn: number, fanOut: number) => {
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        return new ops.Variable(
          ops.tensor(
            Float32Array.from({ length: size(shape) }, () => (rnd.uniform() * 2 - 1) * limit),
            shape,
          ),
        );
      };
      const p = [
        glorot([3, 3, 1, 32], 9, 288),
        new ops.Variable(ops.zeros([32])),
        glorot([3, 3, 32, 64], 288, 576),
        new ops.Variable(ops.zeros([64])),
        glorot([3, 3, 64, 128], 576, 1152),
        new ops.Variable(ops.zeros([128])),
        glorot([1152, 10], 1152, 10),
        new ops.Variable(ops.zeros([10])),
      ];
      const x = ops.randomNormal([8, 28, 28, 1], 0, 1, { seed: 3 });
      const y = ops.tensor(
        Int32Array.from({ length: 8 }, (_, i) => i % 10),
        [8],
        "int32",
      );
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
  const a = lossCurve("native", native!),
    b = lossCurve("js", js);
  close(a, b, "loss curve", 1e-4, 1e-5);
  assert.ok(a[5] < a[0], `loss falls: ${a.join(", ")}`);
});
