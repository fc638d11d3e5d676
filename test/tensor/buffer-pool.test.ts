import assert from "node:assert/strict";
import { test } from "node:test";
import { BufferPool, isPooled } from "../../src/tensor/buffer-pool.js";

test("the pool hands back the most recently given buffer of a size, and only takes its own", () => {
  const pool = new BufferPool(1024);
  const a = pool.take(16),
    b = pool.take(16);
  assert.equal(a.length, 16);
  assert.ok(isPooled(a) && a.buffer !== b.buffer);
  assert.ok(pool.give(a) && pool.give(b));
  assert.equal(pool.heldBytes, 128);
  assert.equal(pool.take(16), b, "last in, first out: the warmest buffer");
  assert.equal(pool.take(16), a);
  assert.notEqual(pool.take(16).buffer, a.buffer, "empty: a fresh one");
  assert.equal(pool.give(new Float32Array(16)), false, "not one of the pool's");
  assert.equal(pool.give(pool.take(8).subarray(1)), false, "not a whole buffer");
  assert.equal(pool.give(pool.take(300)), false, "over the limit: left to the garbage collector");
  pool.give(pool.take(4));
  pool.clear();
  assert.equal(pool.heldBytes, 0);
});
