import assert from "node:assert/strict";
import { test } from "node:test";
import { HierarchyCombine, Input, tensor } from "../../src/index.js";

// classes 0 and 2 form group 0 (an expert), class 1 is group 1 alone
const coarse = tensor([0.8, 0.2, 0.3, 0.7], [2, 2]);
const expert = tensor([0.25, 0.75, 0.9, 0.1], [2, 2]);

test("product: P(group) times P(class | group), in class order", () => {
  const layer = new HierarchyCombine({ groups: [[2, 0], [1]] });
  const out = layer.call([coarse, expert], { training: false });
  // row 0: class 2 = 0.8 * 0.25, class 0 = 0.8 * 0.75, class 1 = 0.2
  assert.deepEqual(
    Array.from(out.floats()).map((v) => +v.toFixed(4)),
    [0.6, 0.2, 0.2, 0.03, 0.7, 0.27],
  );
});

test("route: the likeliest group's expert, zero elsewhere; config round trip and bad groups", () => {
  const layer = new HierarchyCombine({ groups: [[2, 0], [1]], mode: "route" });
  const out = layer.call([coarse, expert], { training: false });
  assert.deepEqual(
    Array.from(out.floats()).map((v) => +v.toFixed(4)),
    [0.75, 0, 0.25, 0, 1, 0],
  );
  assert.deepEqual(layer.getConfig().groups, [[2, 0], [1]]);
  assert.throws(() => new HierarchyCombine({ groups: [[0], [0, 1]] }), /must hold classes 0..2 once each/);
  assert.throws(() => new HierarchyCombine({ groups: [[0, 1]], mode: "vote" as never }), /mode must be product or route, got 'vote'/);
  assert.throws(() => layer.call([coarse], { training: false }), /expects the coarse probabilities and 1 experts' \(2 inputs\), got 1/);
  const a = Input({ shape: [2] }),
    b = Input({ shape: [3] });
  assert.throws(() => layer.apply([a, b]), /expects inputs \[batch, 2\], \[batch, 2\], got/);
  const ok = new HierarchyCombine({ groups: [[2, 0], [1]] }).apply([a, Input({ shape: [2] })]);
  assert.deepEqual((ok as { shape: unknown }).shape, [null, 3]);
});
