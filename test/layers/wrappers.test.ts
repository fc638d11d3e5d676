import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Bidirectional, Dense, Input, LSTM, loadModel, Model, randomNormal, TimeDistributed, type Tensor } from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";
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
  assert.deepEqual(Array.from((loadModel(path).predict(data) as Tensor).data()), Array.from((model.predict(data) as Tensor).data()));
});
