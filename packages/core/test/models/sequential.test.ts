import assert from "node:assert/strict";
import { test } from "node:test";
import { Dense, Input, InputLayer, Sequential } from "../../src/index.js";

test("Sequential: add, pop, layers without the InputLayer, one output only", () => {
  const model = new Sequential([Input({ shape: [3] })]);
  model.add(new Dense({ units: 4 }));
  model.add(new Dense({ units: 2 }));
  assert.equal(model.layers.length, 2);
  assert.ok(!model.layers.some((l) => l instanceof InputLayer));
  assert.deepEqual(model.outputs[0].shape, [null, 2]);
  model.pop();
  assert.deepEqual(model.outputs[0].shape, [null, 4]);
  assert.throws(() => model.add(Input({ shape: [3] })), /an Input can only come first/);
  assert.throws(() => model.add(42 as never), /add\(\) takes a Layer/);
  assert.equal(model.getConfig().inputShape?.toString(), "3");
});
