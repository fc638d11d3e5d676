import assert from "node:assert/strict";
import { test } from "node:test";
import { tensor } from "../../src/index.js";
import { getLoss } from "../../src/training/losses.js";
import { AUC, BinaryAccuracy, CategoricalAccuracy, getMetric, Precision, Recall, SparseCategoricalAccuracy } from "../../src/training/metrics.js";

test("'accuracy' resolves by loss and accumulates over batches with sample weights", () => {
  assert.ok(getMetric("accuracy", getLoss("sparse_categorical_crossentropy")) instanceof SparseCategoricalAccuracy);
  assert.ok(getMetric("accuracy", getLoss("categorical_crossentropy")) instanceof CategoricalAccuracy);
  assert.ok(getMetric("accuracy", getLoss("binary_crossentropy")) instanceof BinaryAccuracy);
  assert.throws(() => getMetric("accuracy", getLoss("mse")), /'accuracy' needs a classification loss/);
  const m = new SparseCategoricalAccuracy();
  m.update(
    tensor([0, 1], undefined, "int32"),
    tensor([
      [0.9, 0.1],
      [0.8, 0.2],
    ]),
  );
  m.update(tensor([1], undefined, "int32"), tensor([[0.1, 0.9]]), Float32Array.of(2));
  assert.equal(m.result(), 3 / 4);
  m.reset();
  assert.equal(m.result(), 0);
});

test("mae, mse, precision, recall and AUC", () => {
  const mae = getMetric("mae", getLoss("mse"));
  mae.update(tensor([[1], [2]]), tensor([[2], [2]]));
  assert.equal(mae.result(), 0.5);
  const y = tensor([1, 0, 1, 1, 0]),
    p = tensor([0.9, 0.6, 0.4, 0.8, 0.1]);
  const prec = new Precision(),
    rec = new Recall(),
    auc = new AUC();
  for (const m of [prec, rec, auc]) m.update(y, p);
  assert.equal(prec.result(), 2 / 3);
  assert.equal(rec.result(), 2 / 3);
  assert.ok(Math.abs(auc.result() - 5 / 6) < 0.02, `auc ${auc.result()}`);
});
