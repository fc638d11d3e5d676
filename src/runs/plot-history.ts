/**
 * plotHistory(history, file): the course's plot after every fit, training and validation curves
 * per epoch, one panel per metric (loss, then the metrics in the order fit logged them).
 */
import { extname } from "node:path";
import { History } from "@kerno/core/training/callbacks.js";
import { writeAtomic } from "@kerno/node/util/files.js";
import { chartSvg, type LineChart, svgToPng } from "../util/charts.js";

export interface PlotHistoryOptions {
  /** Above every panel, before the metric's name (default none). */
  title?: string;
  /** Only these metrics (names without `val_`; default all that were logged). */
  metrics?: string[];
}

/** The panels: each metric's training curve (dashed) and, when logged, its validation curve. */
export function historyCharts(history: Record<string, number[]>, options: PlotHistoryOptions = {}): LineChart[] {
  const logged = Object.keys(history).filter((k) => !k.startsWith("val_"));
  const metrics = options.metrics ?? ["loss", ...logged.filter((k) => k !== "loss")].filter((k) => history[k]?.length);
  for (const m of metrics)
    if (!history[m]?.length) throw new Error(`plotHistory: no metric '${m}' in the history (it has ${Object.keys(history).join(", ") || "nothing"})`);
  if (metrics.length === 0) throw new Error("plotHistory: the history is empty (was fit given epochs: 0?)");
  return metrics.map((m) => {
    const train = history[m];
    const val = history[`val_${m}`] ?? [];
    const epochs = train.map((_, i) => i + 1);
    return {
      title: options.title ? `${options.title}: ${m}` : m,
      xTitle: "epoch",
      yTitle: m,
      width: 420,
      height: 280,
      series: [
        { name: "training", x: epochs, y: train, dashed: true },
        ...(val.length ? [{ name: "validation", x: epochs.slice(0, val.length), y: val }] : []),
      ],
    };
  });
}

/**
 * Writes the history's curves to `file`, as SVG or PNG by its extension (atomically); returns the
 * file. Takes what `fit` returns or its `.history` record.
 */
export async function plotHistory(history: History | Record<string, number[]>, file: string, options: PlotHistoryOptions = {}): Promise<string> {
  const record = history instanceof History ? history.history : history;
  const ext = extname(file).toLowerCase();
  if (ext !== ".svg" && ext !== ".png") throw new Error(`plotHistory: ${file}: expected a file ending in .svg or .png, found '${ext || "no extension"}'`);
  const svg = await chartSvg(...historyCharts(record, options));
  writeAtomic(file, ext === ".svg" ? svg : await svgToPng(svg));
  return file;
}
