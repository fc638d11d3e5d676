/**
 * Every built-in layer class survives a save/load round trip with identical predictions. The
 * cases (test/helpers/layer-cases.ts) are a Record over the registry's class names: a new layer
 * without a case does not compile.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { Tensor } from "../../src/index.js";
import { BUILTIN_LAYERS, layerFromConfig } from "../../src/layers/registry.js";
import { caseData, caseModel, layerCases } from "../helpers/layer-cases.js";
import { loadModel } from "../helpers/model-files.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir();

test("the registry holds exactly the built-in classes", () => {
  assert.deepEqual(BUILTIN_LAYERS.map((c) => c.className).sort(), Object.keys(layerCases).sort());
  assert.throws(() => layerFromConfig("Lambda", {}, "loadModel: m.kerno"), /loadModel: m.kerno: unknown layer class 'Lambda'/);
});

for (const [name, c] of Object.entries(layerCases)) {
  if (c === "input") continue;
  test(`${name}: save and load give the same class, config and predictions`, async () => {
    const { model, layer } = caseModel(c);
    const path = join(dir, `${name}.kerno`);
    model.save(path);
    const loaded = await loadModel(path);
    const again = loaded.getLayer(layer.name);
    assert.equal(again.className, name);
    assert.deepEqual(again.getConfig(), layer.getConfig());
    const data = caseData(c);
    const a = model.predict(data) as Tensor,
      b = loaded.predict(data) as Tensor;
    assert.deepEqual(Array.from(b.floats()), Array.from(a.floats()));
  });
}
