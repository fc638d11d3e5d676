import assert from "node:assert/strict";
import { test } from "node:test";
import { castArray, dtypeOf, upcast } from "../../src/tensor/dtype.js";

test("dtype helpers", () => {
  assert.equal(dtypeOf(new Float32Array(1)), "float32");
  assert.equal(dtypeOf(new Int32Array(1)), "int32");
  assert.equal(dtypeOf(new Uint8Array(1)), "bool");
  assert.deepEqual(castArray([1.5, 0, -2.5], "bool"), Uint8Array.from([1, 0, 1]));
  assert.deepEqual(castArray([1.5, -2.5], "int32"), Int32Array.from([1, -2]));
  assert.equal(upcast("int32", "float32"), "float32");
  assert.equal(upcast("bool", "int32"), "int32");
});
