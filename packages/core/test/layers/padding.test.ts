import assert from "node:assert/strict";
import { test } from "node:test";
import { type Tensor, tensor, ZeroPadding2D } from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";

test("ZeroPadding2D: n, [rows, cols] or [[top, bottom], [left, right]] zeros around the image", () => {
  checkLayer(new ZeroPadding2D(), [4, 5, 2], [null, 6, 7, 2], 0);
  checkLayer(
    new ZeroPadding2D({
      padding: [
        [0, 1],
        [0, 1],
      ],
    }),
    [224, 224, 3],
    [null, 225, 225, 3],
    0,
  );
  const y = new ZeroPadding2D({ padding: [1, 0] }).apply(tensor([1, 2], [1, 1, 2, 1])) as Tensor;
  assert.deepEqual(Array.from(y.floats()), [0, 0, 1, 2, 0, 0]);
  assert.throws(() => new ZeroPadding2D({ padding: -1 }), /padding must be non-negative integers/);
});
