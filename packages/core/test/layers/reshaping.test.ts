import assert from "node:assert/strict";
import { test } from "node:test";
import { Flatten, Reshape } from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";

test("Flatten and Reshape shapes", () => {
  checkLayer(new Flatten(), [3, 3, 128], [null, 1152], 0);
  checkLayer(new Flatten(), [7, 7, 512], [null, 25088], 0);
  checkLayer(new Reshape({ targetShape: [1, 6] }), [6], [null, 1, 6], 0);
  checkLayer(new Reshape({ targetShape: [-1, 2] }), [3, 4], [null, 6, 2], 0);
  assert.throws(() => checkLayer(new Reshape({ targetShape: [5] }), [3, 4], [null, 5], 0), /cannot reshape input \(None, 3, 4\) \(12 values per sample\)/);
});
