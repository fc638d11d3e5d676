import { test } from "node:test";
import assert from "node:assert/strict";
import { Embedding, Input, LSTM, maskOf, tensor, type Tensor } from "../../src/index.js";

test("Embedding: [batch, steps] ids to [batch, steps, dim], inputDim * outputDim parameters", () => {
  const layer = new Embedding({ inputDim: 50, outputDim: 8 });
  assert.deepEqual((layer.apply(Input({ shape: [7] })) as { shape: unknown }).shape, [null, 7, 8]);
  assert.equal(layer.countParams(), 400);
  assert.deepEqual((layer.apply(tensor([[1, 2, 3]], undefined, "int32")) as Tensor).shape, [1, 3, 8]);
  const e = new Embedding({ inputDim: 5, outputDim: 2 });
  assert.throws(() => e.apply(tensor([[1, 7]], undefined, "int32")), /token id 7 at position 1 is outside \[0, 5\)/);
});

test("maskZero: padding ids are skipped by the next recurrent layer", () => {
  const e = new Embedding({ inputDim: 10, outputDim: 3, maskZero: true });
  const ids = tensor([[4, 2, 0, 0], [4, 2, 9, 0]], undefined, "int32");
  const vectors = e.apply(ids) as Tensor;
  assert.deepEqual(maskOf(vectors)!.toArray(), [[1, 1, 0, 0], [1, 1, 1, 0]]);
  const lstm = new LSTM({ units: 2 });
  const h = lstm.apply(vectors) as Tensor;
  const shorter = lstm.apply(e.apply(tensor([[4, 2]], undefined, "int32")) as Tensor) as Tensor;
  assert.deepEqual(Array.from(h.data().subarray(0, 2)), Array.from(shorter.data()), "padding leaves the final state as after the real steps");
});
