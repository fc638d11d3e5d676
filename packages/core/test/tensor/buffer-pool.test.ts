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

test("a smaller request reuses the smallest waiting buffer that fits, and gives the whole buffer back", () => {
  const pool = new BufferPool(4096);
  const big = pool.take(64),
    bigger = pool.take(128);
  pool.give(bigger);
  pool.give(big);
  const small = pool.take(20);
  assert.equal(small.length, 20);
  assert.equal(small.buffer, big.buffer, "the 64-element buffer, not the 128");
  assert.equal(pool.heldBytes, 512);
  assert.ok(pool.give(small));
  assert.equal(pool.heldBytes, 512 + 256, "counted at its whole size");
  assert.equal(pool.take(64).buffer, big.buffer, "and whole again for a request of its size");
  assert.notEqual(pool.take(8).buffer, bigger.buffer, "more than 8 times too big: a fresh one");
});
