import assert from "node:assert/strict";
import { test } from "node:test";
import { add, tensor } from "../../src/index.js";
import { activeTape, newTape, reverseTopological, withTape } from "../../src/tensor/tape.js";

test("ops record only when the active tape watches an input", () => {
  const tape = newTape();
  const x = tensor([1]);
  const unwatched = withTape(tape, () => add(x, 1));
  assert.equal(unwatched.node, null);
  x.tape = tape;
  const y = withTape(tape, () => add(add(x, 1), 2));
  assert.equal(y.node?.op, "add");
  const order = reverseTopological(y, tape);
  assert.equal(order[0], y);
  assert.equal(order[order.length - 1], x);
  assert.equal(activeTape(), null);
});
