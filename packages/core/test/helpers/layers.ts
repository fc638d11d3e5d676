/** Helpers for layer tests: shape/parameter checks and a quick training step. */
import assert from "node:assert/strict";
import { Input, type Layer, Model, randomNormal, type Tensor } from "../../src/index.js";

/** Applies the layer symbolically to an input of `sampleShape` and checks output shape and parameter count. */
export function checkLayer(layer: Layer, sampleShape: number[], expectedOutput: (number | null)[], expectedParams: number): Model {
  const inputs = Input({ shape: sampleShape });
  const out = layer.apply(inputs);
  assert.ok(!Array.isArray(out));
  assert.deepEqual(out.shape, expectedOutput, `${layer.who} output shape`);
  assert.equal(layer.countParams(), expectedParams, `${layer.who} parameter count`);
  const model = new Model({ inputs, outputs: out });
  // concrete call agrees with the symbolic shape
  const x = randomNormal([2, ...sampleShape], 0, 1, { seed: 1 });
  const y = layer.apply(x) as Tensor;
  assert.deepEqual(y.shape, [2, ...(expectedOutput.slice(1) as number[])], `${layer.who} eager output shape`);
  return model;
}
