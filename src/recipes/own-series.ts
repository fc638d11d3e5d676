/**
 * kerno train --series FILE --column COL [--time COL]: the forecasting comparison on a user's
 * series. The time column is the one named, else the first whose values all read as times; the
 * frequency comes from the timestamps (src/timeseries/frequency.ts: a step that breaks it is an
 * error naming the two times); duplicates are dropped, gaps of up to 3 steps interpolated and
 * longer ones never crossed by a window; when one gap is longer than 5% of the whole span and more
 * than half of the observations come after it, only the part after it is kept (as the traffic
 * data's 11-month hole), or always with --after-longest-gap.
 */
import { readCsv } from "@kerno/node/data/csv.js";
import { detectFrequency } from "../timeseries/frequency.js";
import { parseTime, seriesPoints, toRegular } from "../timeseries/hourly.js";
import { runForecast } from "./forecast.js";
import type { RecipeOptions, RecipeResult } from "./recipe.js";

const who = "kerno train --series";

/** The named time column, or the first column whose every value reads as a time. */
export function timeColumn(rows: Record<string, string>[], named: string | undefined, path: string): string {
  const columns = Object.keys(rows[0]);
  if (named !== undefined) {
    if (!columns.includes(named)) throw new Error(`${who}: ${path} has no column '${named}'; columns: ${columns.join(", ")}`);
    return named;
  }
  const found = columns.find((c) => rows.every((r) => r[c] !== "" && Number.isNaN(Number(r[c])) && !Number.isNaN(parseTime(r[c]))));
  if (!found) throw new Error(`${who}: no column of ${path} holds times in every row; name it with --time (columns: ${columns.join(", ")})`);
  return found;
}

/** Whether the longest gap between observations (sorted times) is long enough to start after it. */
export function startAfterLongestGap(times: number[]): boolean {
  let at = 0,
    longest = 0;
  for (let i = 1; i < times.length; i++)
    if (times[i] - times[i - 1] > longest) {
      longest = times[i] - times[i - 1];
      at = i;
    }
  const span = times[times.length - 1] - times[0];
  return longest > 0.05 * span && times.length - at > times.length / 2;
}

export async function trainOwnSeries(path: string, options: RecipeOptions): Promise<RecipeResult> {
  const log = options.log ?? console.log;
  const f = options.flags ?? {};
  if (typeof f.column !== "string") throw new Error(`${who}: say which column to forecast with --column <column>`);
  const rows = readCsv(path).rows;
  const column = f.column;
  const time = timeColumn(rows, typeof f.time === "string" ? f.time : undefined, path);
  const points = seriesPoints(rows, time, column, path, who);
  const freq = detectFrequency(
    points.map((p) => p[0]),
    who,
  );
  const observed = points
    .filter((p) => !Number.isNaN(p[1]))
    .map((p) => p[0])
    .sort((a, b) => a - b);
  const afterGap = f["after-longest-gap"] === true || startAfterLongestGap(observed);
  const series = toRegular(points, freq, 3, afterGap);
  log(`${path}: '${column}' by '${time}', ${freq.name}${afterGap ? `; only the part after the longest gap (from ${series.report.droppedBefore})` : ""}`);
  return runForecast({ name: "series", series, source: path, freq, unit: column, valueLabel: column, columns: { time, value: column } }, options);
}
