/**
 * Hourly series from CSV files, with the cleaning choices the traffic data needs (and states):
 * rows with the same timestamp are duplicates (the first is kept); the series is laid on an hourly
 * grid; gaps of up to `maxInterpolate` hours are filled linearly, longer ones stay missing (NaN),
 * and windows are never built across them; optionally only the part after the longest gap is
 * kept. Timestamps are read as naive local times (daylight-saving repeats and skips are then a
 * duplicate and a one-hour gap).
 */
import { readCsv } from "@kerno/node/data/csv.js";
import { type Frequency, HOURLY } from "./frequency.js";

export interface HourlySeries {
  /** Time of each step (ms, naive local time read as UTC). */
  times: Float64Array;
  /** Values; NaN where missing. */
  values: Float32Array;
  /** What cleaning did, for reports. */
  report: { rows: number; duplicates: number; interpolated: number; missing: number; droppedBefore: string | null };
}

/** Parses 'YYYY-MM-DD HH:MM[:SS]', 'YYYY-MM-DDTHH:MM...' (naive) or anything Date accepts. */
export function parseTime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(s.trim());
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  const t = Date.parse(s);
  return Number.isNaN(t) ? NaN : t;
}

export interface HourlyCsvOptions {
  /** Column with timestamps. */
  time: string;
  /** Column with the values. */
  column: string;
  /** Fill gaps of at most this many hours by linear interpolation (default 3). */
  maxInterpolate?: number;
  /** Keep only the part after the longest gap (default false). */
  afterLongestGap?: boolean;
}

/** Each row's (time, value): a blank value is NaN; an unreadable time or a value that is not a number is an error naming the row. */
export function seriesPoints(rows: Record<string, string>[], time: string, column: string, path: string, who: string): [number, number][] {
  for (const c of [time, column]) {
    if (rows.length > 0 && !(c in rows[0])) throw new Error(`${who}: ${path} has no column '${c}'; columns: ${Object.keys(rows[0]).join(", ")}`);
  }
  return rows.map((r, i) => {
    const t = parseTime(r[time]);
    if (Number.isNaN(t)) throw new Error(`${who}: ${path} row ${i + 2}: cannot read time '${r[time]}'`);
    const raw = r[column];
    const v = raw === "" || raw === undefined ? Number.NaN : Number(raw);
    if (raw !== "" && Number.isNaN(v)) throw new Error(`${who}: ${path} row ${i + 2}: column '${column}' is not numeric ('${raw}')`);
    return [t, v];
  });
}

/** Reads a CSV file into an hourly series (see the module comment for the cleaning rules). */
export function loadHourlyCsv(path: string, options: HourlyCsvOptions): HourlySeries {
  const points = seriesPoints(readCsv(path).rows, options.time, options.column, path, "loadHourlyCsv");
  return toHourly(points, options.maxInterpolate ?? 3, options.afterLongestGap ?? false);
}

/** Lays (time, value) points on an hourly grid with the cleaning rules above. */
export function toHourly(points: [number, number][], maxInterpolate: number, afterLongestGap: boolean): HourlySeries {
  return toRegular(points, HOURLY, maxInterpolate, afterLongestGap);
}

/** Lays (time, value) points on the grid of `freq` (one slot per step) with the cleaning rules above; gaps are counted in steps. */
export function toRegular(points: [number, number][], freq: Frequency, maxInterpolate: number, afterLongestGap: boolean): HourlySeries {
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  const seen = new Map<number, number>();
  let duplicates = 0;
  for (const [t, v] of sorted) {
    const slot = freq.slot(t);
    if (seen.has(slot)) duplicates++;
    else if (!Number.isNaN(v)) seen.set(slot, v);
  }
  let hours = [...seen.keys()].sort((a, b) => a - b);
  let droppedBefore: string | null = null;
  if (afterLongestGap && hours.length > 1) {
    let at = 0,
      longest = 0;
    for (let i = 1; i < hours.length; i++)
      if (hours[i] - hours[i - 1] > longest) {
        longest = hours[i] - hours[i - 1];
        at = i;
      }
    droppedBefore = new Date(freq.time(hours[at])).toISOString().slice(0, 16).replace("T", " ");
    hours = hours.slice(at);
  }
  const start = hours[0],
    end = hours[hours.length - 1];
  const n = end - start + 1;
  const values = new Float32Array(n).fill(NaN);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = freq.time(start + i);
  for (const h of hours) values[h - start] = seen.get(h)!;
  let interpolated = 0,
    missing = 0;
  for (let i = 0; i < n; ) {
    if (!Number.isNaN(values[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && Number.isNaN(values[j])) j++;
    const gap = j - i;
    if (i > 0 && j < n && gap <= maxInterpolate) {
      for (let k = i; k < j; k++) values[k] = values[i - 1] + ((values[j] - values[i - 1]) * (k - i + 1)) / (gap + 1);
      interpolated += gap;
    } else missing += gap;
    i = j;
  }
  return { times, values, report: { rows: points.length, duplicates, interpolated, missing, droppedBefore } };
}

/** Hour of day (0-23) and day of week (0 Monday .. 6 Sunday) of each step. */
export function calendar(times: Float64Array): { hour: Int32Array; weekday: Int32Array } {
  const hour = new Int32Array(times.length),
    weekday = new Int32Array(times.length);
  times.forEach((t, i) => {
    const d = new Date(t);
    hour[i] = d.getUTCHours();
    weekday[i] = (d.getUTCDay() + 6) % 7;
  });
  return { hour, weekday };
}
