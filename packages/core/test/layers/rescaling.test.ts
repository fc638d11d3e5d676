import assert from "node:assert/strict";
import { test } from "node:test";
import { Rescaling, type Tensor, tensor } from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";

test("Rescaling maps pixels and keeps the shape", () => {
  checkLayer(new Rescaling({ scale: 1 / 255 }), [4, 4, 3], [null, 4, 4, 3], 0);
  const y = new Rescaling({ scale: 1 / 127.5, offset: -1 }).apply(tensor([0, 255], [1, 2])) as Tensor;
  assert.deepEqual(
    Array.from(y.data()).map((v) => Math.round(v * 1e5) / 1e5),
    [-1, 1],
  );
  assert.throws(() => new Rescaling({ scale: NaN }), /scale must be a finite number/);
});
