import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../src/tensor/random.js";

test("Random is deterministic per seed and roughly uniform", () => {
  const a = new Random(42),
    b = new Random(42),
    c = new Random(43);
  const sa = Array.from({ length: 5 }, () => a.uniform());
  assert.deepEqual(
    sa,
    Array.from({ length: 5 }, () => b.uniform()),
  );
  assert.notDeepEqual(
    sa,
    Array.from({ length: 5 }, () => c.uniform()),
  );
  const r = new Random(1);
  const buckets = new Array(10).fill(0);
  for (let i = 0; i < 10000; i++) buckets[r.int(10)]++;
  assert.ok(
    buckets.every((n) => n > 900 && n < 1100),
    buckets.join(","),
  );
  const arr = r.shuffle([1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...arr].sort(), [1, 2, 3, 4, 5, 6]);
});
