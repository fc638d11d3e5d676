import assert from "node:assert/strict";
import { test } from "node:test";
import { clearSession, Dense, Input, LSTM } from "../../src/index.js";
import { isShapeList, shapeString, singleShape, snakeCase, uniqueName } from "../../src/layers/symbolic.js";

test("Keras's automatic names, snake case and shape strings", () => {
  clearSession();
  assert.deepEqual(
    [uniqueName("dense"), uniqueName("dense"), uniqueName("input", true), uniqueName("input", true)],
    ["dense", "dense_1", "input_1", "input_2"],
  );
  clearSession();
  assert.equal(new Dense({ units: 1 }).name, "dense");
  assert.deepEqual(["Conv2D", "MaxPooling2D", "LeakyReLU", "GlobalAveragePooling1D"].map(snakeCase), [
    "conv2d",
    "max_pooling2d",
    "leaky_re_lu",
    "global_average_pooling1d",
  ]);
  assert.equal(shapeString([null, 28, 28, 1]), "(None, 28, 28, 1)");
  assert.equal(shapeString([10]), "(10,)");
  assert.ok(
    isShapeList([
      [null, 2],
      [null, 3],
    ]) && !isShapeList([null, 2]),
  );
  assert.throws(() => singleShape([[1], [2]], "Dense 'd'"), /Dense 'd': expects one input, got 2/);
});

test("symbolic tensors know their producer, shape and name (layer:index for several outputs)", () => {
  const x = Input({ shape: [5, 3], name: "seq" });
  const lstm = new LSTM({ units: 2, returnState: true, name: "enc" });
  const [out, h, c] = lstm.apply(x) as unknown as { name: string; shape: unknown; node: { layer: unknown } }[];
  assert.equal(x.name, "seq");
  assert.deepEqual(out.shape, [null, 2]);
  assert.equal(out.node.layer, lstm);
  assert.deepEqual([out.name, h.name, c.name], ["enc:0", "enc:1", "enc:2"]);
});
