import assert from "node:assert/strict";
import { test } from "node:test";
import {
  BatchNormalization,
  Conv2D,
  Dataset,
  Dense,
  Dropout,
  Flatten,
  Input,
  MaxPooling2D,
  type Model,
  randomNormal,
  Sequential,
  setSeed,
  slice,
  type Tensor,
  tensor,
} from "../../src/index.js";
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
  let calls = 0;
  const conv = b.layers[0];
  const call = conv.call.bind(conv);
  conv.call = (inputs, options) => {
    calls++;
    return call(inputs, options);
  };
  let passes = 0;
  const ds = Dataset.fromGenerator(function* () {
    passes++;
    yield* [0, 8, 16].map((s) => ({ x: slice(x, [s, 0, 0, 0], [8, -1, -1, -1]), y: slice(y, [s, 0], [8, -1]) }));
  }, 3);
  await m.fit(ds, { epochs: 3, verbose: 0, cacheFrozenPrefix: true, validationData: ds });
  assert.equal(passes, 2, "one pass of the training data, one of the validation data");
  assert.equal(calls, 6, "each batch through the base once");
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
