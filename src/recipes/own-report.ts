/** The classifier report the own-data commands print: per-class scores, then the confusion matrix. */
import { type ClassificationReport, classificationReport, formatConfusion, formatReport } from "@kerno/core/training/classification-report.js";

export function classifierReport(truth: number[], predicted: number[], classNames: string[], on: string, log: (line: string) => void): ClassificationReport {
  const report = classificationReport(truth, predicted, classNames);
  log(
    `\n${on}: accuracy ${(100 * report.accuracy).toFixed(2)}% on ${truth.length} examples\n${formatReport(report)}\n\n${formatConfusion(report.confusion, classNames)}\n`,
  );
  return report;
}

/** Training accuracy below this at the end of a run: the network did not fit its own training photos. */
export const UNDERFIT_BELOW = 0.8;

export interface FitFacts {
  /** The run's history (accuracy and val_accuracy per epoch, as fit returns it). */
  history: Record<string, number[]>;
  /** The epochs asked for; the run ran history.accuracy.length of them. */
  epochs: number;
  /** Whether early stopping ended the run, and the epoch (1-based) whose weights were kept. */
  stoppedEarly: boolean;
  bestEpoch: number;
  patience: number;
  augment: boolean;
  /** The input size, and the photos' median shorter side (when larger, --size can keep more detail). */
  side: number;
  photoSide: number;
  /** The pretrained base (--base), or null for the small CNN. */
  base: string | null;
  /** The accuracy the report gives (test or validation) and which. */
  accuracy: number;
  evaluatedOn: string;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/**
 * What a run's curves say beyond its accuracy: that the network underfits (training accuracy still
 * low at the end), with the kerno train --images flags that address why; or that it overfits.
 * Empty when neither.
 */
export function fitAdvice(f: FitFacts): string[] {
  const acc = f.history.accuracy ?? [];
  if (acc.length === 0) return [];
  const last = acc.slice(-3);
  const trainAcc = Math.max(...last);
  if (trainAcc < UNDERFIT_BELOW) {
    const tries: string[] = [];
    const ran = acc.length;
    const rising = ran >= 4 && acc.slice(-3).reduce((s, v) => s + v, 0) / 3 > acc.slice(-6, -3).reduce((s, v) => s + v, 0) / acc.slice(-6, -3).length + 0.01;
    if (f.stoppedEarly) tries.push(`--patience ${Math.max(2 * f.patience, 20)} (early stopping ended it at epoch ${ran}, keeping epoch ${f.bestEpoch})`);
    else if (rising) tries.push(`--epochs ${2 * f.epochs} (training accuracy was still rising at the last of ${ran} epochs)`);
    else tries.push(`--epochs ${2 * f.epochs}`);
    if (f.augment) tries.push("--no-augment (the random changes to the training photos make them harder to fit)");
    if (!f.base && f.photoSide > f.side) tries.push(`--size ${Math.min(f.photoSide, 2 * f.side)} (the photos, ${f.photoSide} px, were shrunk to ${f.side})`);
    if (!f.base) tries.push("--base tiny-darknet (a pretrained base with a new head, for photos of everyday things)");
    return [
      `the network underfits: training accuracy ${pct(trainAcc)} at the end (below ${pct(UNDERFIT_BELOW)}), ${f.evaluatedOn} ${pct(f.accuracy)}; try ${tries.join(", ")}`,
    ];
  }
  if (trainAcc >= 0.95 && trainAcc - f.accuracy >= 0.2)
    return [
      `the network overfits: training accuracy ${pct(trainAcc)}, ${f.evaluatedOn} ${pct(f.accuracy)}; more photos per class${f.augment ? "" : ", augmentation (leave out --no-augment)"}${f.base ? "" : " or --base tiny-darknet"} may help`,
    ];
  return [];
}
