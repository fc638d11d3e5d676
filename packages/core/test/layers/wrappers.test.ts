import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Bidirectional, Dense, flip, Input, LSTM, Model, randomNormal, SimpleRNN, type Tensor, TimeDistributed } from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";
import { loadModel } from "../helpers/model-files.js";
import { tempDir } from "../helpers/tmp.js";

test("Bidirectional doubles the units (concat) and the parameters; TimeDistributed maps each step", () => {
  checkLayer(new Bidirectional({ layer: new LSTM({ units: 4 }) }), [5, 3], [null, 8], 2 * 4 * (4 * (3 + 4) + 4));
  checkLayer(new Bidirectional({ layer: new LSTM({ units: 4, returnSequences: true }), mergeMode: "sum" }), [5, 3], [null, 5, 4], 2 * 128);
  checkLayer(new TimeDistributed({ layer: new Dense({ units: 2 }) }), [5, 3], [null, 5, 2], 8);
});

test("wrapped models save and load with identical predictions", async () => {
  const x = Input({ shape: [5, 3] });
  const h = new Bidirectional({ layer: new LSTM({ units: 4, returnSequences: true }) }).apply(x);
  const out = new TimeDistributed({ layer: new Dense({ units: 1 }) }).apply(h as never);
  const model = new Model({ inputs: x, outputs: out as never });
  const path = join(tempDir(), "bi.kerno");
  await model.save(path);
  const data = randomNormal([2, 5, 3], 0, 1, { seed: 3 });
  assert.deepEqual(Array.from(((await loadModel(path)).predict(data) as Tensor).data()), Array.from((model.predict(data) as Tensor).data()));
});

test("Bidirectional runs its second copy backwards in time and lines the sequences up again", () => {
  const bi = new Bidirectional({ layer: new SimpleRNN({ units: 3, returnSequences: true }), mergeMode: null });
  const x = randomNormal([2, 5, 2], 0, 1, { seed: 4 });
  const [fwd, bwd] = bi.apply(x) as unknown as Tensor[];
  // the same weights in plain layers: forward on x, and forward on x reversed in time
  const plain = (weights: Tensor[], input: Tensor) => {
    const rnn = new SimpleRNN({ units: 3, returnSequences: true });
    rnn.apply(input);
    rnn.setWeights(weights);
    return rnn.apply(input) as Tensor;
  };
  const f = plain(bi.forwardLayer.getWeights(), x);
  const b = flip(plain(bi.backwardLayer.getWeights(), flip(x, 1)), 1);
  assert.deepEqual(Array.from(fwd.floats()), Array.from(f.floats()), "forward half");
  const close = (a: Float32Array, c: Float32Array) => a.every((v, i) => Math.abs(v - c[i]) < 1e-6);
  assert.ok(close(bwd.floats(), b.floats()), "backward half: the reversed sequence, flipped back in time");
  assert.ok(!close(bwd.floats(), plain(bi.backwardLayer.getWeights(), x).floats()), "and not the forward pass with the backward weights");
});

test("TimeDistributed applies the same layer to every step independently", () => {
  const td = new TimeDistributed({ layer: new Dense({ units: 2 }) });
  const x = randomNormal([2, 3, 4], 0, 1, { seed: 5 });
  const y = (td.apply(x) as Tensor).floats();
  const dense = td.layer as Dense;
  const step1 = (dense.apply(randomNormal([2, 3, 4], 0, 1, { seed: 5 })) as Tensor).floats();
  assert.deepEqual(Array.from(y), Array.from(step1));
});
