import assert from "node:assert/strict";
import { test } from "node:test";
import { Dropout, ones, type Tensor } from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";

test("Dropout: identity in inference, drops about `rate` in training, reproducible with a seed", () => {
  checkLayer(new Dropout({ rate: 0.5 }), [10], [null, 10], 0);
  const x = ones([100, 100]);
  const d = new Dropout({ rate: 0.25, seed: 3 });
  assert.equal(d.apply(x), x, "inference returns the input");
  const y = d.apply(x, { training: true }) as Tensor;
  const zeros = y.floats().filter((v) => v === 0).length;
  assert.ok(Math.abs(zeros / 10000 - 0.25) < 0.03, `${zeros} zeros`);
  const again = new Dropout({ rate: 0.25, seed: 3 }).apply(x, { training: true }) as Tensor;
  assert.deepEqual(again.data(), y.data());
  assert.throws(() => new Dropout({ rate: 1 }), /rate must be in \[0, 1\)/);
});
