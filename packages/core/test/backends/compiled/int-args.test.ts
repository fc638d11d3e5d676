import assert from "node:assert/strict";
import { test } from "node:test";
import { intArg } from "../../../src/backends/compiled/int-args.js";

test("intArg: the values in an off-heap view of exactly their length, one memory per slot", () => {
  const a = intArg(0, [3, 1, 4]),
    b = intArg(1, [1, 5]);
  assert.deepEqual([...a], [3, 1, 4]);
  assert.deepEqual([...b], [1, 5]);
  // a view made with its own ArrayBuffer: V8 never keeps it on its heap
  assert.equal(a.buffer, b.buffer);
  assert.ok(a.buffer.byteLength > 64);
  // a slot is reused by the next call, whatever its length
  const c = intArg(0, [9, 2, 6, 5, 3]);
  assert.deepEqual([...c], [9, 2, 6, 5, 3]);
  assert.deepEqual([...b], [1, 5]);
  assert.equal(intArg(0, []).length, 0);
  // longer lists get an array of their own
  const long = intArg(
    2,
    Array.from({ length: 40 }, (_, i) => i),
  );
  assert.equal(long.length, 40);
  assert.equal(long[39], 39);
  assert.notEqual(long.buffer, a.buffer);
});
