import assert from "node:assert/strict";
import { test } from "node:test";
import { Add, Dense, getBackend, Input, type Tensor } from "../../src/index.js";
import { buildGraph } from "../../src/models/graph.js";

test("graph order puts producers first; missing inputs are errors", () => {
  const a = Input({ shape: [2] }),
    b = Input({ shape: [2] });
  const h = new Dense({ units: 2 }).apply(a);
  const out = new Add().apply([h, b]) as never;
  const g = buildGraph([a, b], [out], "Model 'm'");
  const order = g.nodes.map((n) => n.layer.className);
  assert.ok(order.indexOf("Dense") < order.indexOf("Add"));
  assert.equal(g.layers.length, 4);
  assert.throws(() => buildGraph([a], [out], "Model 'm'"), /Model 'm': an output depends on input 'input_\d+', which is not among the model's inputs/);
});

test("inference recycles intermediate buffers without touching what callers hold", async () => {
  const { Conv2D, Dropout, Flatten, MaxPooling2D, Model, randomNormal, Sequential } = await import("../../src/index.js");
  const { bufferPool } = await import("../../src/tensor/buffer-pool.js");
  // large enough activations to come from the pool; Flatten shares its input's buffer, Dropout returns its input
  const inputs = Input({ shape: [32, 32, 8] });
  const conv = new Conv2D({ filters: 16, kernelSize: 3, padding: "same", activation: "relu" }).apply(inputs);
  const pooled = new MaxPooling2D().apply(new Dropout({ rate: 0.5 }).apply(conv));
  const flat = new Flatten().apply(pooled);
  const model = new Model({ inputs, outputs: [new Dense({ units: 3 }).apply(flat), flat] });
  const x = randomNormal([9, 32, 32, 8], 0, 1, { seed: 1 });
  const keep = Array.from(x.floats());
  const [first, firstFlat] = model.predict(x, { batchSize: 9 }) as Tensor[];
  const held = [Array.from(first.floats()), Array.from(firstFlat.floats())];
  // only the native backend allocates from the pool (the js backend's arrays are its own)
  if (getBackend() !== "js") assert.ok(bufferPool.heldBytes >= 9 * 32 * 32 * 16 * 4, "the conv output went back to the pool");
  const [again] = model.predict(randomNormal([9, 32, 32, 8], 0, 1, { seed: 2 }), { batchSize: 9 }) as Tensor[];
  assert.deepEqual(Array.from(first.floats()), held[0], "earlier outputs are untouched");
  assert.deepEqual(Array.from(firstFlat.floats()), held[1], "an output sharing a buffer with an intermediate is kept");
  assert.deepEqual(Array.from(x.floats()), keep, "the input is untouched");
  assert.notDeepEqual(Array.from(again.floats()), held[0]);
  // chunks sized to the cache give the same predictions as one batch
  assert.ok(model.largestActivationBytes()! >= 32 * 32 * 16 * 4);
  const seq = new Sequential([Input({ shape: [32, 32, 8] }), new Conv2D({ filters: 16, kernelSize: 3 }), new Flatten(), new Dense({ units: 2 })]);
  const whole = seq.predict(x, { batchSize: 1 }) as Tensor;
  assert.deepEqual(Array.from((seq.predict(x, { batchSize: 9 }) as Tensor).floats()), Array.from(whole.floats()));
});
