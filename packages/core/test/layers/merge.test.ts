import assert from "node:assert/strict";
import { test } from "node:test";
import { Add, Average, Concatenate, Dense, Input, Maximum, Minimum, Model, Multiply, Subtract, type Tensor, tensor } from "../../src/index.js";

test("merge layers: shapes and values, errors for mismatched inputs", () => {
  const a = Input({ shape: [4] }),
    b = Input({ shape: [4] });
  assert.deepEqual((new Add().apply([a, b]) as { shape: unknown }).shape, [null, 4]);
  assert.deepEqual((new Concatenate().apply([a, b]) as { shape: unknown }).shape, [null, 8]);
  const x = tensor([[1, 2]]),
    y = tensor([[3, 5]]);
  assert.deepEqual((new Add().apply([x, y]) as Tensor).toArray(), [[4, 7]]);
  assert.deepEqual((new Subtract().apply([x, y]) as Tensor).toArray(), [[-2, -3]]);
  assert.deepEqual((new Multiply().apply([x, y]) as Tensor).toArray(), [[3, 10]]);
  assert.deepEqual((new Average().apply([x, y]) as Tensor).toArray(), [[2, 3.5]]);
  const z = tensor([[4, 0]]);
  assert.deepEqual((new Maximum().apply([x, y, z]) as Tensor).toArray(), [[4, 5]]);
  assert.deepEqual((new Minimum().apply([x, y, z]) as Tensor).toArray(), [[1, 0]]);
  assert.deepEqual((new Concatenate({ axis: -1 }).apply([x, y]) as Tensor).toArray(), [[1, 2, 3, 5]]);
  const c = Input({ shape: [3] });
  assert.throws(() => new Add().apply([a, c]), /Add '.*': inputs must have the same shape, got \(None, 4\) and \(None, 3\)/);
  // a branching functional model with a shared layer
  const shared = new Dense({ units: 2 });
  const merged = new Concatenate().apply([shared.apply(a), shared.apply(b)]);
  const model = new Model({ inputs: [a, b], outputs: merged });
  assert.equal(model.countParams(), 10);
  assert.deepEqual((model.predict([tensor([[1, 1, 1, 1]]), tensor([[0, 0, 0, 0]])]) as Tensor).shape, [1, 4]);
});
