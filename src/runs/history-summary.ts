/**
 * What the runs list shows of a history.csv: the epochs and the best validation value. The list is
 * polled every 5 s over every run, so its summary takes one pass over the text and keeps two
 * numbers, never the columns (a 2M-row history as columns is ~0.9 GB); a run's own view reads the
 * columns (readHistory in runs.ts). Both count the same rows: a row with the header's number of
 * cells, each a number (a torn last line, from a killed run, is left out).
 */

export interface HistorySummary {
  epochs: number;
  /** The best validation accuracy (highest), else validation loss or another val_ metric (lowest). */
  best: { metric: string; value: number } | null;
  /** Why the summary is empty though the history is not (it is too big to list). */
  note?: string;
}

/** The metric the list ranks a run by, and whether higher is better. */
function rankedBy(keys: string[]): { metric: string; higher: boolean } | null {
  const metric = ["val_accuracy", "val_loss"].find((k) => keys.includes(k)) ?? keys.find((k) => k.startsWith("val_"));
  return metric ? { metric, higher: metric.includes("acc") } : null;
}

/** The summary of a history read as columns (the single-run view has them already). */
export function summarizeColumns(history: Record<string, number[]>): HistorySummary {
  const ranked = rankedBy(Object.keys(history));
  const values = ranked ? history[ranked.metric] : [];
  // a loop, not Math.max(...values): spreading ~100k values overflows the stack
  let value = values[0];
  for (const v of values) if (ranked?.higher ? v > value : v < value) value = v;
  return { epochs: history.epoch?.length ?? 0, best: ranked && values.length ? { metric: ranked.metric, value } : null };
}

/** The summary of history.csv's text in one pass, keeping no rows; the same as summarizeColumns(readHistory(...)). */
export function summarizeText(text: string): HistorySummary {
  let end = text.indexOf("\n");
  const first = end < 0 ? text : text.slice(0, end);
  const header = first ? first.split(",") : [];
  const ranked = rankedBy(header);
  // a name twice in the header fills one column twice in readHistory: count each place it appears
  const epochCells = header.filter((h) => h === "epoch").length;
  const metricAt = header.flatMap((h, k) => (h === ranked?.metric ? [k] : []));
  let rows = 0;
  let value = Number.NaN;
  while (end >= 0) {
    const start = end + 1;
    end = text.indexOf("\n", start);
    const cells = text.slice(start, end < 0 ? undefined : end).split(",");
    if (cells.length !== header.length) continue;
    let ok = true;
    for (const c of cells) if (c === "" || Number.isNaN(Number(c))) ok = false;
    if (!ok) continue;
    rows++;
    for (const k of metricAt) {
      const v = Number(cells[k]);
      if (Number.isNaN(value) || (ranked?.higher ? v > value : v < value)) value = v;
    }
  }
  return { epochs: rows * epochCells, best: ranked && metricAt.length && rows ? { metric: ranked.metric, value } : null };
}
