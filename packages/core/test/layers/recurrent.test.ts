import assert from "node:assert/strict";
import { test } from "node:test";
import { GRU, Input, LSTM, Model, randomNormal, SimpleRNN, type Tensor, tensor } from "../../src/index.js";
import { checkGrad } from "../helpers/gradcheck.js";
import { checkLayer } from "../helpers/layers.js";

test("parameter counts: LSTM(16) 1,472, SimpleRNN(16) 368, GRU(16) 1,152 on 6 features", () => {
  checkLayer(new LSTM({ units: 16 }), [1, 6], [null, 16], 1472);
  checkLayer(new SimpleRNN({ units: 16 }), [1, 6], [null, 16], 368);
  checkLayer(new GRU({ units: 16 }), [1, 6], [null, 16], 1152);
  const g = new GRU({ units: 16 });
  checkLayer(g, [6, 1], [null, 16], 3 * 16 * 17 + 2 * 48);
  assert.deepEqual(
    g.weights.map((w) => w.shape),
    [
      [1, 48],
      [16, 48],
      [2, 48],
    ],
  );
});

test("returnSequences, returnState, goBackwards, initial state and the forget-gate bias", () => {
  const seq = new LSTM({ units: 4, returnSequences: true, returnState: true });
  const x = Input({ shape: [5, 3] });
  const outs = seq.apply(x) as unknown as { shape: unknown }[];
  assert.deepEqual(
    outs.map((o) => o.shape),
    [
      [null, 5, 4],
      [null, 4],
      [null, 4],
    ],
  );
  const lstm = new LSTM({ units: 2 });
  lstm.apply(randomNormal([1, 1, 3]));
  assert.deepEqual(Array.from(lstm.bias!.data()), [0, 0, 1, 1, 0, 0, 0, 0], "unitForgetBias: the f gate starts at 1");
  const r = new SimpleRNN({ units: 3, returnSequences: true });
  const back = new SimpleRNN({ units: 3, returnSequences: true, goBackwards: true });
  const data = randomNormal([2, 4, 2], 0, 1, { seed: 1 });
  r.apply(data);
  back.apply(data);
  back.setWeights(r.getWeights());
  const forward = r.apply(data) as Tensor,
    backward = back.apply(tensor(Float32Array.from(flipTime(data)), [2, 4, 2])) as Tensor;
  assert.deepEqual(
    Array.from(backward.data()).map((v) => +v.toFixed(5)),
    Array.from(forward.data()).map((v) => +v.toFixed(5)),
  );
  const h0 = Input({ shape: [3] });
  const withState = new SimpleRNN({ units: 3 }).apply([Input({ shape: [4, 2] }), h0]);
  assert.deepEqual((withState as { shape: unknown }).shape, [null, 3]);
});

function flipTime(x: Tensor): number[] {
  const [b, t, f] = x.shape,
    v = x.data(),
    out: number[] = [];
  for (let i = 0; i < b; i++) for (let s = t - 1; s >= 0; s--) for (let j = 0; j < f; j++) out.push(v[(i * t + s) * f + j]);
  return out;
}

test("gradients through the layers, with dropout and recurrent dropout (seeded)", () => {
  for (const L of [SimpleRNN, LSTM, GRU]) {
    const layer = new L({ units: 3, dropout: 0.3, recurrentDropout: 0.3, seed: 5 });
    const x = randomNormal([2, 3, 2], 0, 1, { seed: 2 });
    layer.apply(x);
    checkGrad(
      (input) => {
        (layer as unknown as { calls: number }).calls = 0;
        return layer.apply(input, { training: true }) as Tensor;
      },
      [x],
      { eps: 1e-3 },
    );
  }
});

test("training an LSTM forecaster lowers the loss; bad settings are errors", async () => {
  const inputs = Input({ shape: [6, 1] });
  const model = new Model({ inputs, outputs: new LSTM({ units: 8 }).apply(inputs) });
  model.compile({ optimizer: "adam", loss: "mse" });
  const x = tensor(
    Float32Array.from({ length: 64 * 6 }, (_, i) => Math.sin(i / 3)),
    [64, 6, 1],
  );
  const y = tensor(
    Float32Array.from({ length: 64 * 8 }, (_, i) => Math.cos(i / 5) * 0.5),
    [64, 8],
  );
  const h = await model.fit(x, y, { epochs: 15, verbose: 0 });
  assert.ok(h.history.loss[14] < h.history.loss[0]);
  assert.throws(() => new LSTM({ units: 4, activation: "wiggle" as never }), /unknown activation 'wiggle'/);
  assert.throws(() => new LSTM({ units: 4 }).apply(randomNormal([2, 6])), /LSTM '.*': expected input of rank 3 \[batch, timesteps, features\], got \(2, 6\)/);
});
