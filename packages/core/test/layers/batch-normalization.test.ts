import assert from "node:assert/strict";
import { test } from "node:test";
import { BatchNormalization, randomNormal, type Tensor } from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";

test("BatchNormalization: 4 * channels parameters, half trainable", () => {
  const bn = new BatchNormalization();
  checkLayer(bn, [5, 5, 8], [null, 5, 5, 8], 32);
  assert.equal(bn.trainableWeights.length, 2);
  assert.equal(bn.nonTrainableWeights.length, 2);
});

test("training normalizes with batch statistics and moves the averages; inference and frozen use them", () => {
  const bn = new BatchNormalization({ momentum: 0.5 });
  const x = randomNormal([64, 3], 5, 2, { seed: 1 });
  const y = bn.apply(x, { training: true }) as Tensor;
  const v = y.floats();
  for (let c = 0; c < 3; c++) {
    let m = 0;
    for (let i = 0; i < 64; i++) m += v[i * 3 + c];
    assert.ok(Math.abs(m / 64) < 1e-4, "normalized mean ~0");
  }
  const mm = bn.movingMean.floats();
  assert.ok(
    mm.every((value) => Math.abs(value - 2.5) < 0.5),
    `moving mean moved halfway to ~5: ${Array.from(mm)}`,
  );
  const inference = bn.apply(x) as Tensor;
  assert.notDeepEqual(inference.data(), y.data());
  bn.trainable = false;
  const before = Array.from(bn.movingMean.data());
  const frozen = bn.apply(x, { training: true }) as Tensor;
  assert.deepEqual(Array.from(bn.movingMean.data()), before, "a frozen layer does not update its statistics");
  assert.deepEqual(frozen.data(), inference.data(), "a frozen layer runs in inference mode");
});
