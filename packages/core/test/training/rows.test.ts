import assert from "node:assert/strict";
import { test } from "node:test";
import { range, reshape } from "../../src/index.js";
import { batchRanges, pickRows, sliceRows } from "../../src/training/rows.js";

test("rows by range and by index; batch ranges cover every row once", () => {
  const t = reshape(range(0, 12), [6, 2]);
  assert.equal(sliceRows(t, 0, 6), t, "all rows: no copy");
  assert.deepEqual(sliceRows(t, 2, 3).toArray(), [
    [4, 5],
    [6, 7],
    [8, 9],
  ]);
  assert.deepEqual(pickRows(t, [5, 0]).toArray(), [
    [10, 11],
    [0, 1],
  ]);
  assert.deepEqual(batchRanges(10, 4), [
    [0, 4],
    [4, 4],
    [8, 2],
  ]);
  assert.deepEqual(batchRanges(0, 4), []);
});
