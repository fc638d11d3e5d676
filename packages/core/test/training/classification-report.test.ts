import assert from "node:assert/strict";
import { test } from "node:test";
import { classificationReport, confusionMatrix, formatConfusion, formatReport } from "../../src/training/classification-report.js";

test("confusion matrix counts true classes by row and predictions by column", () => {
  assert.deepEqual(confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3), [
    [1, 1, 0],
    [0, 1, 0],
    [1, 0, 2],
  ]);
  assert.throws(() => confusionMatrix([0, 3], [0, 0], 3), /example 1 has class 3 \(predicted 0\); classes are 0..2/);
  assert.throws(() => confusionMatrix([0], [0, 1], 2), /1 true labels but 2 predictions/);
});

test("precision, recall, F1, support and the averages are scikit-learn's", () => {
  // sklearn.metrics.classification_report([0,0,1,2,2,2], [0,1,1,2,0,2]):
  // class 0: p 0.5 r 0.5; class 1: p 0.5 r 1.0 f1 0.667; class 2: p 1.0 r 0.667 f1 0.8; accuracy 0.667
  const r = classificationReport([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], ["a", "b", "c"]);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  close(r.classes[0].precision, 0.5);
  close(r.classes[1].recall, 1);
  close(r.classes[1].f1, 2 / 3);
  close(r.classes[2].f1, 0.8);
  assert.deepEqual(
    r.classes.map((c) => c.support),
    [2, 1, 3],
  );
  close(r.accuracy, 4 / 6);
  close(r.macro.precision, (0.5 + 0.5 + 1) / 3);
  close(r.weighted.recall, (2 * 0.5 + 1 * 1 + 3 * (2 / 3)) / 6);
  // a class never predicted has precision 0, not NaN (sklearn's zero_division=0)
  const none = classificationReport([0, 1], [0, 0], ["x", "y"]);
  assert.equal(none.classes[1].precision, 0);
  assert.equal(none.classes[1].f1, 0);
  assert.match(formatReport(r), /precision\s+recall\s+f1-score\s+support/);
  assert.match(formatReport(r), /\n\s+c\s+1\.000\s+0\.667\s+0\.800\s+3\n/);
  assert.match(formatConfusion(r.confusion, ["a", "b", "c"]), /\nc\s+1\s+0\s+2$/);
});
