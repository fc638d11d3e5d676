import assert from "node:assert/strict";
import { test } from "node:test";
import { allocate } from "../../src/tensor/dtype.js";
import { SMALL_ARRAY_MAX, smallFloat32 } from "../../src/tensor/small-arrays.js";

test("small float32 arrays: zero-filled, 64-byte aligned views that never overlap, across slab boundaries", () => {
  const arrays: Float32Array[] = [];
  // enough to fill several 64 KB slabs, with sizes that are not multiples of 16
  for (let i = 0; i < 400; i++) arrays.push(smallFloat32(1 + ((i * 37) % SMALL_ARRAY_MAX)));
  for (const [i, a] of arrays.entries()) {
    assert.equal(a.length, 1 + ((i * 37) % SMALL_ARRAY_MAX));
    assert.equal(a.byteOffset % 64, 0);
    assert.ok(
      a.every((v) => v === 0),
      `array ${i} is not zero-filled`,
    );
    a.fill(i + 1);
  }
  // every array still holds its own value: no two share memory
  for (const [i, a] of arrays.entries())
    assert.ok(
      a.every((v) => v === i + 1),
      `array ${i} was overwritten`,
    );
  assert.ok(new Set(arrays.map((a) => a.buffer)).size > 1, "the arrays span more than one slab");
});

test("allocate: small float32 arrays come from slabs, large ones and other dtypes get their own buffer", () => {
  const small = allocate("float32", 24),
    large = allocate("float32", SMALL_ARRAY_MAX + 1),
    ints = allocate("int32", 24);
  assert.ok(small.buffer.byteLength > small.byteLength);
  assert.equal(large.buffer.byteLength, large.byteLength);
  assert.equal(ints.buffer.byteLength, ints.byteLength);
  assert.ok(small instanceof Float32Array && ints instanceof Int32Array);
  assert.equal(allocate("float32", 0).length, 0);
});
