import assert from "node:assert/strict";
import { test } from "node:test";
import { tensor } from "../../src/index.js";
import { asFloat, assertInt, binaryOperands, make } from "../../src/ops/core.js";

test("op helpers: dtype checks name the op, numbers adopt the other operand's dtype, kernel output is checked", () => {
  assert.throws(() => asFloat(tensor([1], undefined, "int32"), "relu"), /relu: input must be float32, got int32/);
  assert.throws(() => assertInt(tensor([1.5]), "gather", "indices"), /gather: indices must be int32, got float32/);
  const [a, b] = binaryOperands(tensor([1, 2], undefined, "int32"), 3, "add");
  assert.equal(b.dtype, "int32");
  assert.deepEqual(Array.from(a.values), [1, 2]);
  assert.throws(() => binaryOperands(tensor([1]), tensor([1], undefined, "int32"), "mul"), /mul: dtypes differ: float32 and int32; cast one first/);
  assert.throws(() => make(new Int32Array(2), [2], "float32"), /a kernel returned int32 data for a float32 result/);
  assert.equal(make(new Float32Array(2), [2], "float32").dtype, "float32");
});
