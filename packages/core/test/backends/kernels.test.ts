import assert from "node:assert/strict";
import { test } from "node:test";
import { BINARY_OPS, isComparison, opCode, UNARY_OPS } from "../../src/backends/kernels.js";

test("op codes are positions in the tables; unknown ops are errors; comparisons are the table's tail", () => {
  assert.equal(opCode(UNARY_OPS, "neg"), 0);
  assert.equal(opCode(BINARY_OPS, "lessEqual"), BINARY_OPS.length - 1);
  assert.throws(() => opCode(UNARY_OPS, "atan" as never), /unknown op 'atan'/);
  assert.deepEqual(BINARY_OPS.filter(isComparison), ["equal", "notEqual", "greater", "greaterEqual", "less", "lessEqual"]);
});
