/**
 * The browser bundle's stand-in for node:assert/strict (core/test/helpers/browser-assert.ts) against Node's own, on
 * the comparisons the conformance cases make: it must fail exactly where Node's fails, or the
 * suite in Chromium could pass what the suite in Node rejects.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import shim from "../../core/test/helpers/browser-assert.js";

const failsIn = (fn: () => void): boolean => {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
};

const PAIRS: [string, unknown, unknown][] = [
  ["equal numbers", 3, 3],
  ["different numbers", 3, 4],
  ["0 and -0", 0, -0],
  ["NaN and NaN", Number.NaN, Number.NaN],
  ["null and undefined", null, undefined],
  ["a number and its string", 1, "1"],
  ["equal Float32Arrays", Float32Array.of(1, 2), Float32Array.of(1, 2)],
  ["Float32Arrays differing in the last element", Float32Array.of(1, 2), Float32Array.of(1, 3)],
  ["Float32Arrays with 0 and -0", Float32Array.of(0), Float32Array.of(-0)],
  ["Float32Arrays with NaN", Float32Array.of(Number.NaN), Float32Array.of(Number.NaN)],
  ["Float32Arrays of different lengths", Float32Array.of(1), Float32Array.of(1, 0)],
  ["a Float32Array and an Int32Array", Float32Array.of(1), Int32Array.of(1)],
  ["an Int32Array and a Uint8Array", Int32Array.of(1), Uint8Array.of(1)],
  ["equal shapes", [2, 3], [2, 3]],
  ["different shapes", [2, 3], [3, 2]],
  ["an array and a typed array", [1], Float32Array.of(1)],
  ["equal objects", { a: [1], b: null }, { a: [1], b: null }],
  ["objects differing deep inside", { a: [1] }, { a: [2] }],
  ["objects with different keys", { a: 1 }, { b: 1 }],
  ["an object with an extra key", { a: 1, b: 2 }, { a: 1 }],
];

test("the browser's assert fails exactly where Node's strict assert does", () => {
  for (const [what, a, b] of PAIRS) {
    assert.equal(
      failsIn(() => shim.equal(a, b)),
      failsIn(() => assert.equal(a, b)),
      `equal: ${what}`,
    );
    assert.equal(
      failsIn(() => shim.deepEqual(a, b)),
      failsIn(() => assert.deepEqual(a, b)),
      `deepEqual: ${what}`,
    );
  }
  for (const v of [0, 1, "", "x", null, undefined, Number.NaN, []])
    assert.equal(
      failsIn(() => shim.ok(v)),
      failsIn(() => assert.ok(v)),
      `ok: ${String(v)}`,
    );
  const throwing = () => {
    throw new RangeError("label 10 at row 1");
  };
  for (const expected of [/label 10/, /RangeError: label/, /label 11/, RangeError, TypeError]) {
    assert.equal(
      failsIn(() => shim.throws(throwing, expected)),
      failsIn(() => assert.throws(throwing, expected)),
      `throws ${String(expected)}`,
    );
  }
  assert.ok(
    failsIn(() => shim.throws(() => 0, /x/)),
    "a function that does not throw fails throws",
  );
  assert.throws(() => shim.deepEqual(Float32Array.of(1, 2), Float32Array.of(1, 3), "rows"), /^AssertionError: rows$/);
  assert.throws(() => shim.deepEqual({ a: Float32Array.of(1, 2) }, { a: Float32Array.of(1, 3) }), /\[a\]\[1\]: 2 vs 3/);
});
