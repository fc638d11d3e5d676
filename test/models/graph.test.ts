import assert from "node:assert/strict";
import { test } from "node:test";
import { Add, Dense, Input } from "../../src/index.js";
import { buildGraph } from "../../src/models/graph.js";

test("graph order puts producers first; missing inputs are errors", () => {
  const a = Input({ shape: [2] }),
    b = Input({ shape: [2] });
  const h = new Dense({ units: 2 }).apply(a);
  const out = new Add().apply([h, b]) as never;
  const g = buildGraph([a, b], [out], "Model 'm'");
  const order = g.nodes.map((n) => n.layer.className);
  assert.ok(order.indexOf("Dense") < order.indexOf("Add"));
  assert.equal(g.layers.length, 4);
  assert.throws(() => buildGraph([a], [out], "Model 'm'"), /Model 'm': an output depends on input 'input_\d+', which is not among the model's inputs/);
});
