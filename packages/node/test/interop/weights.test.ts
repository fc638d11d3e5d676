import assert from "node:assert/strict";
import { test } from "node:test";
import { Dense, Input, Sequential } from "@kerno/core";
import { assignWeights, type NamedArray, weightName } from "../../src/interop/weights.js";

const arr = (shape: number[], start = 0): NamedArray => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => start + i) });

function model() {
  const inner = new Sequential([Input({ shape: [2] }), new Dense({ units: 3, name: "hidden" })], { name: "inner" });
  return new Sequential([inner, new Dense({ units: 1, name: "out" })], { name: "outer" });
}

test("weights are found by their full name, or by layer/weight when the file does not prefix nested models", () => {
  assert.equal(weightName("block1_conv1/kernel:0"), "block1_conv1/kernel");
  const m = model();
  const keys = [...m.weightKeys()].map(([, k]) => k);
  assert.deepEqual(keys, ["inner/hidden/kernel", "inner/hidden/bias", "out/kernel", "out/bias"]);
  assignWeights(
    m,
    new Map([
      ["inner/hidden/kernel:0", arr([2, 3], 1)],
      ["hidden/bias:0", arr([3], 10)],
      ["out/kernel", arr([3, 1], 20)],
      ["out/bias", arr([1], 30)],
    ]),
    "test",
  );
  assert.deepEqual(Array.from(m.getLayer("inner").weights[1].floats()), [10, 11, 12]);
  assert.deepEqual(Array.from(m.getLayer("out").weights[0].floats()), [20, 21, 22]);
});

test("a weight no layer has, a wrong shape, and a weight left without values are errors naming them", () => {
  const all = (): Map<string, NamedArray> =>
    new Map([
      ["inner/hidden/kernel", arr([2, 3])],
      ["inner/hidden/bias", arr([3])],
      ["out/kernel", arr([3, 1])],
      ["out/bias", arr([1])],
    ]);
  const extra = all().set("conv/kernel", arr([3, 3, 1, 1]));
  assert.throws(
    () => assignWeights(model(), extra, "load"),
    /load: the file has weight 'conv\/kernel' \[3,3,1,1\], which no layer of the model has \(layers: inner, out\)/,
  );
  const wrong = all().set("out/kernel", arr([3, 2]));
  assert.throws(() => assignWeights(model(), wrong, "load"), /weight 'out\/kernel' is \[3,1\] in the model but \[3,2\] in the file/);
  const missing = all();
  missing.delete("out/bias");
  assert.throws(() => assignWeights(model(), missing, "load"), /load: the file has no values for out\/bias/);
});
