import assert from "node:assert/strict";
import { test } from "node:test";
import { makeXorData, trainXor } from "../../src/cli/demo.js";

test("the demo's network learns: loss falls well below ln 2", () => {
  const losses: number[] = [];
  const final = trainXor(60, (_s, l) => losses.push(l));
  assert.ok(losses[0] > 0.6, `first loss ${losses[0]}`);
  assert.ok(final < 0.3, `final loss ${final}`);
  const { x, y } = makeXorData(10, 1);
  assert.deepEqual(x.shape, [10, 2]);
  assert.deepEqual(y.shape, [10, 1]);
});
