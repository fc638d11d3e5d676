/**
 * A classifier's report as scikit-learn prints it: per-class precision, recall, F1 and support,
 * accuracy, macro and weighted averages; and the confusion matrix (rows: true class, columns:
 * predicted class).
 */

export interface ClassScores {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  classes: ClassScores[];
  accuracy: number;
  macro: Omit<ClassScores, "name">;
  weighted: Omit<ClassScores, "name">;
  confusion: number[][];
}

/** counts[t][p]: examples of true class t predicted as p. */
export function confusionMatrix(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  if (trueLabels.length !== predicted.length) throw new RangeError(`confusionMatrix: ${trueLabels.length} true labels but ${predicted.length} predictions`);
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < trueLabels.length; i++) {
    const t = trueLabels[i],
      p = predicted[i];
    if (!(t >= 0 && t < classes && p >= 0 && p < classes && Number.isInteger(t) && Number.isInteger(p)))
      throw new RangeError(`confusionMatrix: example ${i} has class ${t} (predicted ${p}); classes are 0..${classes - 1}`);
    counts[t][p]++;
  }
  return counts;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

export function classificationReport(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, classNames: string[]): ClassificationReport {
  const k = classNames.length;
  const cm = confusionMatrix(trueLabels, predicted, k);
  const classes = classNames.map((name, c) => {
    const tp = cm[c][c];
    const support = cm[c].reduce((s, v) => s + v, 0);
    const predictedAs = cm.reduce((s, row) => s + row[c], 0);
    const precision = ratio(tp, predictedAs),
      recall = ratio(tp, support);
    return { name, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const n = trueLabels.length;
  const average = (weight: (c: ClassScores) => number) => {
    const total = classes.reduce((s, c) => s + weight(c), 0);
    const mean = (key: "precision" | "recall" | "f1") =>
      ratio(
        classes.reduce((s, c) => s + weight(c) * c[key], 0),
        total,
      );
    return { precision: mean("precision"), recall: mean("recall"), f1: mean("f1"), support: n };
  };
  return {
    classes,
    accuracy: ratio(
      cm.reduce((s, row, c) => s + row[c], 0),
      n,
    ),
    macro: average(() => 1),
    weighted: average((c) => c.support),
    confusion: cm,
  };
}

/** The report as a terminal table. */
export function formatReport(report: ClassificationReport): string {
  const width = Math.max(12, ...report.classes.map((c) => c.name.length));
  const row = (name: string, s: Omit<ClassScores, "name">) =>
    `${name.padStart(width)}  ${s.precision.toFixed(3).padStart(9)}  ${s.recall.toFixed(3).padStart(6)}  ${s.f1.toFixed(3).padStart(8)}  ${String(s.support).padStart(7)}`;
  return [
    `${"".padStart(width)}  precision  recall  f1-score  support`,
    ...report.classes.map((c) => row(c.name, c)),
    "",
    `${"accuracy".padStart(width)}  ${"".padStart(9)}  ${"".padStart(6)}  ${report.accuracy.toFixed(3).padStart(8)}  ${String(report.macro.support).padStart(7)}`,
    row("macro avg", report.macro),
    row("weighted avg", report.weighted),
  ].join("\n");
}

/** The confusion matrix as a terminal table (rows: true class, columns: predicted). */
export function formatConfusion(confusion: number[][], classNames: string[]): string {
  const label = Math.max(16, ...classNames.map((n) => n.length));
  const cell = Math.max(6, ...confusion.flat().map((v) => String(v).length + 1), ...classNames.map((n) => Math.min(n.length, 10) + 1));
  const head = `${"true \\ predicted".padEnd(label)} ${classNames.map((n) => n.slice(0, 10).padStart(cell)).join("")}`;
  return [head, ...confusion.map((row, t) => `${classNames[t].padEnd(label)} ${row.map((v) => String(v).padStart(cell)).join("")}`)].join("\n");
}

/** Area under the ROC curve of scores for the positive examples (the Mann-Whitney rank statistic; ties count half). */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const ranks = new Float64Array(scores.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let pos = 0,
    rankSum = 0;
  for (let i = 0; i < scores.length; i++)
    if (positive[i]) {
      pos++;
      rankSum += ranks[i];
    }
  const neg = scores.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** ROC AUC from class probabilities [n, k]: the positive class's for two classes, else the mean of one-vs-rest. */
export function multiclassAuc(probs: Float32Array, labels: ArrayLike<number>, k: number): number {
  const column = (c: number) => Float32Array.from({ length: labels.length }, (_, i) => probs[i * k + c]);
  const isClass = (c: number) => Array.from(labels, (l) => l === c);
  if (k === 2) return rocAuc(column(1), isClass(1));
  const aucs = Array.from({ length: k }, (_, c) => rocAuc(column(c), isClass(c))).filter((a) => !Number.isNaN(a));
  return aucs.reduce((s, a) => s + a, 0) / Math.max(1, aucs.length);
}
