import assert from "node:assert/strict";
import { test } from "node:test";
import { Input, LSTM, Masking, Model, Sequential, SimpleRNN, type Tensor, tensor } from "../../src/index.js";

test("Masking marks all-maskValue steps (computeMask), zeroes them, and the RNN carries its state over them", () => {
  const x = tensor([
    [
      [1, 2],
      [0, 0],
      [3, 4],
    ],
  ]);
  const masking = new Masking();
  const masked = masking.apply(x) as Tensor;
  assert.deepEqual(masking.computeMask(x)!.toArray(), [[true, false, true]]);
  const rnn = new SimpleRNN({ units: 2, returnSequences: true });
  const seq = (rnn.apply(masked, { mask: masking.computeMask(x) }) as Tensor).floats();
  assert.deepEqual(Array.from(seq.subarray(2, 4)), Array.from(seq.subarray(0, 2)), "the masked step repeats the state before it");
  const withValue = new Masking({ maskValue: -1 }).apply(
    tensor([
      [
        [-1, -1],
        [2, 3],
      ],
    ]),
  ) as Tensor;
  assert.deepEqual(
    Array.from(withValue.floats(), (v) => v + 0),
    [0, 0, 2, 3],
    "masked steps are zeroed, as Keras does",
  );
});

test("a model carries the mask of Masking through stacked LSTM(returnSequences) -> LSTM, as Keras does", () => {
  const model = new Sequential([
    Input({ shape: [4, 2] }),
    new Masking({ maskValue: 0 }),
    new LSTM({ units: 3, returnSequences: true }),
    new LSTM({ units: 2 }),
  ]);
  const padded = tensor([
    [
      [0.5, -1],
      [1, 0.2],
      [0, 0],
      [0, 0],
    ],
  ]);
  const short = tensor([
    [
      [0.5, -1],
      [1, 0.2],
    ],
  ]);
  // the same layers on the two real steps only (a second model sharing the weights)
  const input = Input({ shape: [2, 2] });
  const twin = new Model({ inputs: input, outputs: model.layers.slice(1).reduce((t, l) => l.apply(t) as never, input) });
  const a = (model.predict(padded) as Tensor).floats(),
    b = (twin.predict(short) as Tensor).floats();
  assert.deepEqual(Array.from(a), Array.from(b), "padding after the sequence leaves the final state unchanged");
});
