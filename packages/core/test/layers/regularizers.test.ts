import assert from "node:assert/strict";
import { test } from "node:test";
import { tensor } from "../../src/index.js";
import { assertRegularizer, l1, l1l2, l2, penalty } from "../../src/layers/regularizers.js";

test("l1 and l2 penalties", () => {
  const w = tensor([1, -2]);
  assert.ok(Math.abs(penalty(l1(0.1), w)!.item() - 0.3) < 1e-6);
  assert.ok(Math.abs(penalty(l2(0.1), w)!.item() - 0.5) < 1e-6);
  assert.ok(Math.abs(penalty(l1l2(0.1, 0.1), w)!.item() - 0.8) < 1e-6);
  assert.throws(() => assertRegularizer({ l3: 1 }, "Dense 'd'"), /Dense 'd': a regularizer is \{ l1\?: number, l2\?: number \}/);
});
