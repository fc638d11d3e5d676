import assert from "node:assert/strict";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { classCounts, range, tensor } from "../../src/index.js";
import { classPriors, imbalance, type PriorsRow } from "../../src/recipes/class-priors.js";

test("imbalance cuts one class to a fraction, keeps the others and keeps pairs together", () => {
  const y = tensor(
    Array.from({ length: 40 }, (_, i) => i % 2),
    undefined,
    "int32",
  );
  const [x2, y2] = imbalance(range(40), y, 1, 0.25, 3);
  assert.deepEqual(classCounts(y2), { 0: 20, 1: 5 });
  const xs = x2.data(),
    ys = y2.data();
  for (let i = 0; i < xs.length; i++) assert.equal(xs[i] % 2, ys[i]);
});

test("class-priors on Fashion-MNIST: every strategy scored on the test set", {
  skip: needsData("Fashion-MNIST", "fashion-mnist/train-images-idx3-ubyte.gz"),
}, async () => {
  const r = await classPriors.run({ epochs: 1, out: tempDir(), log: () => {} });
  const rows = r.rows as PriorsRow[];
  assert.deepEqual(
    rows.map((row) => row.strategy),
    ["nothing", "class weights (balanced)", "random undersampling", "oversampling", "heuristic subsampling"],
  );
  assert.equal(rows[0].examples, 54300);
  assert.equal(rows[2].examples, 3000);
  assert.equal(rows[3].examples, 60000);
  assert.ok(rows[4].examples > 3000 && rows[4].examples < 54300);
  for (const row of rows) assert.ok(row.accuracy > 0.3 && row.minorityRecall >= 0 && row.minorityRecall <= 1, row.strategy);
  // the treated models find more of the rare class than the untreated one
  assert.ok(rows[3].minorityRecall > rows[0].minorityRecall, `${rows[3].minorityRecall} vs ${rows[0].minorityRecall}`);
});
