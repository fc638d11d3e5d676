import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultStoreBudget } from "../../src/data/compact-store.js";
import {
  BatchNormalization,
  Conv2D,
  Dataset,
  Dense,
  Dropout,
  Flatten,
  Input,
  type Layer,
  MaxPooling2D,
  MemoryBudget,
  type Model,
  randomNormal,
  Sequential,
  setSeed,
  slice,
  type Tensor,
  tensor,
} from "../../src/index.js";
import { defaultFrozenBudget } from "../../src/training/frozen-features.js";
import { assertClose } from "../helpers/gradcheck.js";

function base() {
  const m = new Sequential(
    [Input({ shape: [8, 8, 3] }), new Conv2D({ filters: 4, kernelSize: 3, activation: "relu" }), new BatchNormalization(), new MaxPooling2D()],
    { name: "base" },
  );
  m.trainable = false;
  return m;
}
function classifier() {
  const b = base();
  const m = new Sequential([b, new Flatten(), new Dense({ units: 1, activation: "sigmoid" })]);
  m.compile({ optimizer: "rmsprop", loss: "binary_crossentropy", metrics: ["accuracy"] });
  return { m, b };
}
const data = () => ({
  x: randomNormal([24, 8, 8, 3], 0, 1, { seed: 5 }),
  y: tensor(
    Float32Array.from({ length: 24 }, (_, i) => i % 2),
    [24, 1],
  ),
});

/** Counts the layer's calls from now on. */
function countCalls(layer: Layer): { count: number } {
  const counter = { count: 0 };
  const call = layer.call.bind(layer);
  layer.call = (inputs, options) => {
    counter.count++;
    return call(inputs, options);
  };
  return counter;
}

test("the split: a frozen base and Flatten are cached; the rest runs from their output like the whole model", () => {
  const { m } = classifier();
  const split = m.frozenPrefix()!;
  assert.deepEqual(
    split.layers.map((l) => l.name),
    ["base", m.layers[1].name],
  );
  assert.equal(m.layers[1].className, "Flatten");
  assert.equal(split.frozenParams, 4 * 27 + 4 + 4 * 4);
  const { x } = data();
  const whole = m.predict(x) as Tensor;
  const viaSplit = split.forwardSuffix(split.prefixForward([x]), false)[0];
  assertClose(viaSplit.floats(), whole.floats(), 1e-6, 1e-7);
  // nothing to cache: a trainable base, or a random layer first
  const trainable = new Sequential([Input({ shape: [4] }), new Dense({ units: 2 }), new Dense({ units: 1 })]);
  assert.equal(trainable.frozenPrefix(), null);
  const dropout = new Sequential([Input({ shape: [4] }), new Dropout({ rate: 0.5 }), new Dense({ units: 2, trainable: false }), new Dense({ units: 1 })]);
  assert.equal(dropout.frozenPrefix(), null);
});

test("fit with cacheFrozenPrefix trains exactly as without it: same history, same weights", async () => {
  const { x, y } = data();
  const run = async (cacheFrozenPrefix: boolean) => {
    setSeed(11);
    const { m } = classifier();
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, seed: 2, verbose: 0, validationData: [x, y], cacheFrozenPrefix });
    return { h: h.history, w: m.getWeights().map((t) => Array.from(t.floats())) };
  };
  const a = await run(false),
    b = await run(true);
  for (const key of Object.keys(a.h)) assertClose(b.h[key], a.h[key], 1e-5, 1e-6, key);
  a.w.forEach((w, i) => assertClose(b.w[i], w, 1e-5, 1e-6, `weight ${i}`));
});

test("on a Dataset the frozen base runs over one pass, before the first epoch; unshuffled, training is the same", async () => {
  const { x, y } = data();
  const { m, b } = classifier();
  const calls = countCalls(b.layers[0]);
  let passes = 0;
  const ds = Dataset.fromGenerator(function* () {
    passes++;
    yield* [0, 8, 16].map((s) => ({ x: slice(x, [s, 0, 0, 0], [8, -1, -1, -1]), y: slice(y, [s, 0], [8, -1]) }));
  }, 3);
  await m.fit(ds, { epochs: 3, verbose: 0, cacheFrozenPrefix: true, validationData: ds });
  assert.equal(passes, 2, "one pass of the training data, one of the validation data");
  assert.equal(calls.count, 6, "each batch through the base once");
  assert.equal((m as Model).trainableWeights.length, 2);
  // in the Dataset's own order, the cached run trains exactly as the plain one
  const run = async (cacheFrozenPrefix: boolean) => {
    setSeed(13);
    const { m: fresh } = classifier();
    const h = await fresh.fit(ds, { epochs: 2, verbose: 0, shuffle: false, cacheFrozenPrefix });
    return { h: h.history.loss, w: fresh.getWeights().map((t) => Array.from(t.floats())) };
  };
  const plain = await run(false),
    cached = await run(true);
  assertClose(cached.h, plain.h, 1e-5, 1e-6, "loss");
  plain.w.forEach((w, i) => assertClose(cached.w[i], w, 1e-5, 1e-6, `weight ${i}`));
});

test("fine-tuning: a nested base frozen but for its last layers is split inside, and fit trains the same", async () => {
  const { x, y } = data();
  const run = async (cacheFrozenPrefix: boolean) => {
    setSeed(12);
    const b = new Sequential(
      [
        Input({ shape: [8, 8, 3] }),
        new Conv2D({ filters: 4, kernelSize: 3, activation: "relu" }),
        new MaxPooling2D(),
        new Conv2D({ filters: 3, kernelSize: 2 }),
      ],
      { name: "base" },
    );
    const m = new Sequential([b, new Flatten(), new Dense({ units: 1, activation: "sigmoid" })]);
    b.trainable = true;
    b.layers[0].trainable = false;
    m.compile({ optimizer: "rmsprop", loss: "binary_crossentropy" });
    const split = m.frozenPrefix()!;
    assert.deepEqual(
      split.layers.map((l) => l.name),
      [`base/${b.layers[0].name}`, `base/${b.layers[1].name}`],
    );
    const h = await m.fit(x, y, { epochs: 2, batchSize: 8, seed: 3, verbose: 0, cacheFrozenPrefix });
    return { h: h.history.loss, w: m.getWeights().map((t) => Array.from(t.floats())) };
  };
  const a = await run(false),
    c = await run(true);
  assertClose(c.h, a.h, 1e-5, 1e-6, "loss");
  a.w.forEach((w, i) => assertClose(c.w[i], w, 1e-5, 1e-6, `weight ${i}`));
});

/** Runs fn with console.warn captured. */
async function warnings<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    return { result: await fn(), lines };
  } finally {
    console.warn = warn;
  }
}

test("cacheFrozenPrefix keeps its features within a memory budget: past it, the whole model trains on every batch, as without caching, and fit says so", async () => {
  const { x, y } = data();
  // the features are 24 examples of 3 x 3 x 4 floats (144 bytes each), 3,456 bytes per set
  const run = async (cacheFrozenPrefix: boolean | { maxBytes: number }) => {
    setSeed(14);
    const { m, b } = classifier();
    const calls = countCalls(b.layers[0]);
    const { result: h, lines } = await warnings(() => m.fit(x, y, { epochs: 2, batchSize: 8, seed: 4, verbose: 0, validationData: [x, y], cacheFrozenPrefix }));
    return { h: h.history, w: m.getWeights().map((t) => Array.from(t.floats())), calls: calls.count, lines };
  };
  const plain = await run(false);
  const over = await run({ maxBytes: 5000 });
  assert.equal(over.lines.length, 1, over.lines.join("\n"));
  assert.match(
    over.lines[0],
    /cacheFrozenPrefix: the frozen beginning's outputs would take about 6.8 KB, past the memory budget of 4.9 KB; keeping none, the whole model runs on every batch instead/,
  );
  assert.equal(over.calls, plain.calls + 1, "the base runs on every batch, as without caching, and on one example to size the features");
  for (const key of Object.keys(plain.h)) assertClose(over.h[key], plain.h[key], 1e-6, 1e-7, key);
  plain.w.forEach((w, i) => assertClose(over.w[i], w, 1e-6, 1e-7, `weight ${i}`));
  // within the budget (the training set's and the validation set's 6,912 bytes), the base runs once per example and a check example
  const within = await run({ maxBytes: 7000 });
  assert.deepEqual(within.lines, []);
  assert.ok(within.calls < plain.calls, `${within.calls} calls of the base against ${plain.calls}`);
});

test("on a Dataset past the budget, the pass stops at the first batch (the estimate: its bytes times the batches), and training reads the Dataset whole", async () => {
  const { x, y } = data();
  let yielded = 0;
  const ds = Dataset.fromGenerator(function* () {
    for (const s of [0, 8, 16]) {
      yielded++;
      yield { x: slice(x, [s, 0, 0, 0], [8, -1, -1, -1]), y: slice(y, [s, 0], [8, -1]) };
    }
  }, 3);
  const run = async (cacheFrozenPrefix: boolean | { maxBytes: MemoryBudget }) => {
    setSeed(15);
    const { m } = classifier();
    yielded = 0;
    const { result: h, lines } = await warnings(() => m.fit(ds, { epochs: 2, verbose: 0, shuffle: false, cacheFrozenPrefix }));
    return { loss: h.history.loss, lines, yielded };
  };
  // a budget shared with other caches: 3,000 of its 6,000 bytes in use leave less than the features' and targets' 3,456 + 96
  const shared = new MemoryBudget(6000);
  assert.ok(shared.take(3000));
  const over = await run({ maxBytes: shared });
  assert.match(over.lines[0], /would take about 3.5 KB, past the memory budget of 5.9 KB \(2.9 KB of it in use\)/);
  assert.equal(over.yielded, 1 + 2 * 3, "one batch for the estimate, then two epochs");
  assert.equal(shared.used, 3000, "what fit took is given back");
  assertClose(over.loss, (await run(false)).loss, 1e-6, 1e-7, "loss");
  // with room, the features use the shared budget while fit runs and give it back at the end
  shared.give(3000);
  const { m } = classifier();
  let usedDuring = 0;
  await m.fit(ds, {
    epochs: 1,
    verbose: 0,
    cacheFrozenPrefix: { maxBytes: shared },
    callbacks: [
      {
        onEpochEnd: () => {
          usedDuring = shared.used;
        },
      },
    ],
  });
  assert.equal(usedDuring, 3456 + 96);
  assert.equal(shared.used, 0);
});

test("cacheFrozenPrefix's budget: without a cardinality the pass stops where it runs out; a failing pass or validation set gives its bytes back; bad budgets are errors", async () => {
  const { x, y } = data();
  const batches = (n: number, failAt = -1) =>
    Dataset.fromGenerator(function* () {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error("the source failed");
        const s = (i % 3) * 8;
        yield { x: slice(x, [s, 0, 0, 0], [8, -1, -1, -1]), y: slice(y, [s, 0], [8, -1]) };
      }
    });
  const shared = new MemoryBudget(3000);
  const { m } = classifier();
  // no cardinality: two batches of 1,184 bytes fit, the third does not, so the whole needs more than 3,552
  const { lines } = await warnings(() => m.fit(batches(6), { epochs: 1, verbose: 0, cacheFrozenPrefix: { maxBytes: shared } }));
  assert.match(lines[0], /would take more than 3.5 KB, past the memory budget of 2.9 KB;/);
  assert.equal(shared.used, 0);
  // a source that fails mid-pass, or a validation set past the budget after the training set's features
  await assert.rejects(m.fit(batches(3, 1), { epochs: 1, verbose: 0, cacheFrozenPrefix: { maxBytes: shared } }), /the source failed/);
  assert.equal(shared.used, 0);
  const wide = new MemoryBudget(5000);
  const v = await warnings(() => m.fit(batches(3), { epochs: 1, verbose: 0, validationData: batches(3), cacheFrozenPrefix: { maxBytes: wide } }));
  assert.match(v.lines[0], /would take more than 5.8 KB, past the memory budget of 4.9 KB;/);
  assert.equal(wide.used, 0);
  for (const maxBytes of [Number.NaN, -1]) {
    await assert.rejects(
      m.fit(x, y, { epochs: 1, verbose: 0, cacheFrozenPrefix: { maxBytes } }),
      /cacheFrozenPrefix.maxBytes must be a number of bytes >= 0 or a MemoryBudget, got (NaN|-1)/,
    );
  }
  // the default: half the available memory, without Dataset.cache's cap
  assert.ok(defaultFrozenBudget() >= defaultStoreBudget(), `${defaultFrozenBudget()} against ${defaultStoreBudget()}`);
});
