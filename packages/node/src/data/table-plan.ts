/**
 * How a CSV table becomes a network's input, decided from its training rows and kept as JSON beside
 * the model (so that `kerno predict` encodes new rows the same way). The rules, as docs/own-data.md
 * states them:
 * - numeric columns: standardized; a missing value becomes the training median, plus a 0/1
 *   "was missing" column when the training rows had any;
 * - date columns (values like 2016-10-02 or 2016-10-02 09:00): year, month, day, day of week and
 *   hour (those that vary), each standardized like a numeric column;
 * - categorical columns: one-hot over the training rows' 50 most frequent values, the rest as
 *   "(other)", a missing value as "(missing)";
 * - dropped: identifiers (a column named id, or consecutive integers), constant columns, and free
 *   text (more than 50 distinct values that are mostly unique);
 * - the target: classification when it is not numeric or has at most 10 distinct integer values,
 *   regression otherwise (or as told); rows without a target are left out.
 */
import { categoricalEncoding, DEFAULT_MISSING, describeColumns, isMissing, type Table } from "./csv.js";

export type Task = "classification" | "regression";

export interface ColumnPlan {
  name: string;
  kind: "numeric" | "date" | "categorical" | "dropped";
  reason?: string;
  /** numeric and date parts: training median (for missing values), mean and deviation. */
  median?: number[];
  mean?: number[];
  std?: number[];
  missingIndicator?: boolean;
  categories?: string[];
  /** date columns: the parts that vary in the training rows (a constant part would only add noise). */
  parts?: string[];
}

export interface TablePlan {
  target: string;
  task: Task;
  /** Classification: the target's values in label order. Regression: the target's mean and deviation. */
  classes?: string[];
  targetMean?: number;
  targetStd?: number;
  columns: ColumnPlan[];
  featureNames: string[];
}

const DATE = /^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?/;
const DATE_PARTS = ["year", "month", "day", "weekday", "hour"];

function dateParts(v: string): number[] {
  const d = new Date(v.includes("T") || !v.includes(" ") ? v : v.replace(" ", "T"));
  return Number.isNaN(d.getTime()) ? [NaN, NaN, NaN, NaN, NaN] : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getDay(), d.getHours()];
}

function stats(values: number[]): { median: number; mean: number; std: number; constant: boolean } {
  const present = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (present.length === 0) return { median: 0, mean: 0, std: 1, constant: true };
  const mean = present.reduce((s, v) => s + v, 0) / present.length;
  const std = Math.sqrt(present.reduce((s, v) => s + (v - mean) ** 2, 0) / present.length);
  return { median: present[Math.floor(present.length / 2)], mean, std: std || 1, constant: std === 0 };
}

/** The target's task: as told, else classification for text or at most 10 distinct integers. */
export function detectTask(values: string[]): Task {
  const present = values.filter((v) => !isMissing(v));
  if (present.some((v) => Number.isNaN(Number(v)))) return "classification";
  const distinct = new Set(present.map(Number));
  return distinct.size <= 10 && [...distinct].every(Number.isInteger) ? "classification" : "regression";
}

function planColumn(table: Table, name: string, kind: "numeric" | "categorical", rows: number[], categories: string[] | undefined): ColumnPlan {
  const values = rows.map((i) => table.rows[i][name]);
  if (/^(id|index|unnamed: 0)$/i.test(name)) return { name, kind: "dropped", reason: "identifier" };
  if (kind === "numeric") {
    const nums = values.map((v) => (isMissing(v) ? NaN : Number(v)));
    const present = nums.filter((v) => !Number.isNaN(v));
    if (present.length > 20 && present.every((v, i) => i === 0 || v === present[i - 1] + 1))
      return { name, kind: "dropped", reason: "identifier (consecutive integers)" };
    const s = stats(nums);
    if (s.constant) return { name, kind: "dropped", reason: "constant" };
    return { name, kind: "numeric", median: [s.median], mean: [s.mean], std: [s.std], missingIndicator: present.length < nums.length };
  }
  const present = values.filter((v) => !isMissing(v));
  if (present.length > 0 && present.filter((v) => DATE.test(v)).length >= 0.9 * present.length) {
    const all = DATE_PARTS.map((_, p) => stats(values.map((v) => (isMissing(v) ? NaN : dateParts(v)[p]))));
    const varying = DATE_PARTS.map((_, p) => p).filter((p) => !all[p].constant);
    if (varying.length === 0) return { name, kind: "dropped", reason: "constant" };
    const s = varying.map((p) => all[p]);
    return {
      name,
      kind: "date",
      parts: varying.map((p) => DATE_PARTS[p]),
      median: s.map((x) => x.median),
      mean: s.map((x) => x.mean),
      std: s.map((x) => x.std),
      missingIndicator: present.length < values.length,
    };
  }
  const encoding = categoricalEncoding(present, categories);
  if ("dropped" in encoding) return { name, kind: "dropped", reason: encoding.dropped };
  return { name, kind: "categorical", categories: [...encoding.categories, "(other)", "(missing)"] };
}

function featureNames(c: ColumnPlan): string[] {
  const indicator = c.missingIndicator ? [`${c.name} missing`] : [];
  if (c.kind === "numeric") return [c.name, ...indicator];
  if (c.kind === "date") return [...c.parts!.map((p) => `${c.name} ${p}`), ...indicator];
  if (c.kind === "categorical") return c.categories!.map((k) => `${c.name}=${k}`);
  return [];
}

/** The plan fitted on the training rows `rows` (indices into table.rows). */
export function fitTablePlan(table: Table, target: string, rows: number[], task?: Task): TablePlan {
  const info = describeColumns(table, DEFAULT_MISSING);
  const targetValues = rows.map((i) => table.rows[i][target]).filter((v) => !isMissing(v));
  const chosen = task ?? detectTask(targetValues);
  const columns = info.filter((c) => c.name !== target).map((c) => planColumn(table, c.name, c.kind, rows, c.categories));
  const plan: TablePlan = { target, task: chosen, columns, featureNames: columns.flatMap(featureNames) };
  if (chosen === "classification") {
    const distinct = [...new Set(targetValues)];
    const numeric = distinct.every((v) => !Number.isNaN(Number(v)));
    plan.classes = distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  } else {
    const nums = targetValues.map(Number);
    if (nums.some(Number.isNaN))
      throw new Error(`kerno train --csv: target '${target}' is not numeric, so it cannot be a regression target; use --task classification`);
    const s = stats(nums);
    [plan.targetMean, plan.targetStd] = [s.mean, s.std];
  }
  return plan;
}

/** Rows as the network's standardized inputs [n, features]. */
export function encodeFeatures(plan: TablePlan, rows: Record<string, string>[]): Float32Array {
  const out = new Float32Array(rows.length * plan.featureNames.length);
  rows.forEach((r, i) => {
    let j = i * plan.featureNames.length;
    for (const c of plan.columns) {
      const v = r[c.name];
      const missing = isMissing(v);
      if (c.kind === "numeric" || c.kind === "date") {
        const parts = c.kind === "numeric" ? [missing ? NaN : Number(v)] : c.parts!.map((p) => (missing ? NaN : dateParts(v)[DATE_PARTS.indexOf(p)]));
        parts.forEach((p, k) => {
          out[j++] = ((Number.isNaN(p) ? c.median![k] : p) - c.mean![k]) / c.std![k];
        });
        if (c.missingIndicator) out[j++] = missing ? 1 : 0;
      } else if (c.kind === "categorical") {
        const cats = c.categories!;
        const k = missing ? cats.length - 1 : cats.indexOf(v) >= 0 ? cats.indexOf(v) : cats.length - 2;
        out[j + k] = 1;
        j += cats.length;
      }
    }
  });
  return out;
}

/** The target: class indices (-1 for a class the plan has not seen) or standardized values; NaN/-1 when missing. */
export function encodeTarget(plan: TablePlan, rows: Record<string, string>[]): Float32Array {
  return Float32Array.from(rows, (r) => {
    const v = r[plan.target];
    if (isMissing(v)) return plan.task === "classification" ? -1 : NaN;
    if (plan.task === "classification") return plan.classes!.indexOf(v);
    return (Number(v) - plan.targetMean!) / plan.targetStd!;
  });
}
