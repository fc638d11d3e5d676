import { test } from "node:test";
import assert from "node:assert/strict";
import { Conv2D } from "../../src/index.js";
import { layerFromConfig } from "../../src/layers/registry.js";

test("layers are rebuilt from class name and config only", () => {
  const c = new Conv2D({ filters: 4, kernelSize: 3, padding: "same", name: "c1" });
  const again = layerFromConfig("Conv2D", c.getConfig(), "t") as Conv2D;
  assert.equal(again.name, "c1");
  assert.equal(again.padding, "same");
  assert.throws(() => layerFromConfig("Lambda", {}, "loadModel: m.kerno"), /loadModel: m.kerno: unknown layer class 'Lambda'/);
});
