import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { clearSession, loadModel } from "../../src/index.js";
import { mnistCnn, mnistDense } from "../../src/recipes/mnist.js";
import { mnistCnnModel, mnistDenseModel } from "../../src/recipes/mnist-models.js";

const skip = needsData("MNIST", "mnist/train-images-idx3-ubyte.gz");
if (skip) console.log(`skipping recipe training test: ${skip}`);

test("the recipes' models are the course's: 50,890 and 104,202 parameters", () => {
  clearSession();
  assert.equal(mnistDenseModel().countParams(), 50890);
  assert.equal(mnistCnnModel().countParams(), 104202);
  assert.equal(mnistCnn.name, "mnist-cnn");
});

test("mnist-dense trains one epoch on the real data, reports and saves", { skip }, async () => {
  const out = tempDir();
  const result = await mnistDense.run({ epochs: 1, out, verbose: 0, seed: 1, log: () => {} });
  assert.equal(result.recipe, "mnist-dense");
  assert.equal(result.epochs, 1);
  assert.ok(result.test!.accuracy > 0.93, `test accuracy ${result.test!.accuracy}`);
  assert.ok(result.validation.accuracy > 0.93);
  assert.ok(existsSync(result.modelPath));
  assert.equal((await loadModel(result.modelPath)).countParams(), 50890);
  // the course's curves after the fit, as the other recipes write them
  assert.deepEqual(result.plots, [join(out, "loss.svg"), join(out, "accuracy.svg")]);
  assert.match(readFileSync(join(out, "accuracy.svg"), "utf8"), /validation/);
});
