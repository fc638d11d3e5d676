import assert from "node:assert/strict";
import { test } from "node:test";
import { Dense, Dropout, Embedding, Input, LSTM, Model, Sequential, type Tensor, tensor } from "../../src/index.js";

test("Embedding: [batch, steps] ids to [batch, steps, dim], inputDim * outputDim parameters", () => {
  const layer = new Embedding({ inputDim: 50, outputDim: 8 });
  assert.deepEqual((layer.apply(Input({ shape: [7] })) as { shape: unknown }).shape, [null, 7, 8]);
  assert.equal(layer.countParams(), 400);
  assert.deepEqual((layer.apply(tensor([[1, 2, 3]], undefined, "int32")) as Tensor).shape, [1, 3, 8]);
  const e = new Embedding({ inputDim: 5, outputDim: 2 });
  assert.throws(() => e.apply(tensor([[1, 7]], undefined, "int32")), /token id 7 at position 1 is outside \[0, 5\)/);
});

test("maskZero: computeMask marks the padding ids, and a recurrent layer given the mask skips them", () => {
  const e = new Embedding({ inputDim: 10, outputDim: 3, maskZero: true });
  const ids = tensor(
    [
      [4, 2, 0, 0],
      [4, 2, 9, 0],
    ],
    undefined,
    "int32",
  );
  assert.deepEqual(e.computeMask(ids)!.toArray(), [
    [true, true, false, false],
    [true, true, true, false],
  ]);
  assert.equal(new Embedding({ inputDim: 10, outputDim: 3 }).computeMask(ids), null);
  const lstm = new LSTM({ units: 2 });
  const h = lstm.apply(e.apply(ids) as Tensor, { mask: e.computeMask(ids) }) as Tensor;
  const shorter = lstm.apply(e.apply(tensor([[4, 2]], undefined, "int32")) as Tensor) as Tensor;
  assert.deepEqual(Array.from(h.floats().subarray(0, 2)), Array.from(shorter.floats()), "padding leaves the final state as after the real steps");
});

test("Embedding(maskZero) -> Dropout -> LSTM: the mask reaches the LSTM through the Dropout, as in Keras", () => {
  const model = new Sequential([
    Input({ shape: [5], dtype: "int32" }),
    new Embedding({ inputDim: 20, outputDim: 4, maskZero: true }),
    new Dropout({ rate: 0.5 }),
    new LSTM({ units: 3 }),
    new Dense({ units: 1 }),
  ]);
  const padded = tensor(
    [
      [7, 3, 11, 0, 0],
      [5, 0, 0, 0, 0],
    ],
    undefined,
    "int32",
  );
  const input = Input({ shape: [3], dtype: "int32" });
  const twin = new Model({ inputs: input, outputs: model.layers.reduce((t, l) => l.apply(t) as never, input) });
  const a = (model.predict(padded) as Tensor).floats();
  const b = (twin.predict(tensor([[7, 3, 11]], undefined, "int32")) as Tensor).floats();
  const c = (twin.predict(tensor([[5, 0, 0]], undefined, "int32")) as Tensor).floats();
  assert.ok(Math.abs(a[0] - b[0]) < 1e-6, `first row ${a[0]} vs unpadded ${b[0]}`);
  assert.ok(Math.abs(a[1] - c[0]) < 1e-6, "the mask is per sample");
  const unmasked = new Sequential([Input({ shape: [5], dtype: "int32" }), new Embedding({ inputDim: 20, outputDim: 4 }), new LSTM({ units: 3 })]);
  assert.equal(unmasked.layers[1].computeMask(padded, null), null, "without maskZero nothing is masked");
});
