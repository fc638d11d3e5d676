import assert from "node:assert/strict";
import { test } from "node:test";
import { dropout, ones } from "../../src/index.js";
import { dropoutMask } from "../../src/ops/dropout.js";
import { checkGrad, rand } from "../helpers/gradcheck.js";

test("dropout zeroes about `rate` of the values and scales the rest", () => {
  const y = dropout(ones([100, 100]), 0.3, { seed: 1 });
  const v = y.data();
  const zeros = v.filter((a) => a === 0).length;
  assert.ok(Math.abs(zeros / v.length - 0.3) < 0.02, `dropped ${zeros}`);
  assert.ok(v.every((a) => a === 0 || Math.abs(a - 1 / 0.7) < 1e-6));
});

test("dropout is reproducible with a seed and noiseShape broadcasts", () => {
  assert.deepEqual(dropout(ones([50]), 0.5, { seed: 3 }).data(), dropout(ones([50]), 0.5, { seed: 3 }).data());
  const y = dropout(ones([4, 10]), 0.5, { seed: 2, noiseShape: [1, 10] });
  for (let r = 1; r < 4; r++) assert.deepEqual(y.data().subarray(r * 10, r * 10 + 10), y.data().subarray(0, 10));
  assert.throws(() => dropout(ones([2]), 1), /rate must be in \[0, 1\)/);
});

test("dropout's gradient is the mask", () => {
  checkGrad((x) => dropout(x, 0.4, { seed: 5 }), [rand([3, 4], 1)]);
  assert.equal(
    dropoutMask([10], 0, 1)
      .data()
      .every((v) => v === 1),
    true,
  );
});
