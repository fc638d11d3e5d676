import assert from "node:assert/strict";
import { test } from "node:test";
import { Activation, LeakyReLU, ReLU, Softmax, type Tensor, tensor } from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";

test("activation layers keep shapes and compute their functions", () => {
  checkLayer(new Activation({ activation: "relu" }), [5], [null, 5], 0);
  checkLayer(new Softmax(), [3, 4], [null, 3, 4], 0);
  const x = tensor([[-2, 0, 3]]);
  assert.deepEqual((new ReLU({ maxValue: 2 }).apply(x) as Tensor).toArray(), [[0, 0, 2]]);
  assert.deepEqual(
    Array.from((new LeakyReLU().apply(x) as Tensor).data()).map((v) => +v.toFixed(4)),
    [-0.6, 0, 3],
  );
  const s = new Softmax().apply(x) as Tensor;
  assert.ok(Math.abs(s.floats().reduce((a, b) => a + b, 0) - 1) < 1e-6);
  assert.throws(() => new Activation({ activation: "nope" }), /unknown activation 'nope'/);
});
