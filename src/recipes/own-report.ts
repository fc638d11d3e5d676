/** The classifier report the own-data commands print: per-class scores, then the confusion matrix. */
import { type ClassificationReport, classificationReport, formatConfusion, formatReport } from "../training/classification-report.js";

export function classifierReport(truth: number[], predicted: number[], classNames: string[], on: string, log: (line: string) => void): ClassificationReport {
  const report = classificationReport(truth, predicted, classNames);
  log(
    `\n${on}: accuracy ${(100 * report.accuracy).toFixed(2)}% on ${truth.length} examples\n${formatReport(report)}\n\n${formatConfusion(report.confusion, classNames)}\n`,
  );
  return report;
}
