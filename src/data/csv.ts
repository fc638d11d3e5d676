/**
 * Tables from CSV files (parsed by csv-parse): columns typed as numeric or categorical, missing
 * values recognized, and conversion to tensors with categorical columns one-hot encoded or
 * dropped. Numeric standardization is fitted on the training rows only (StandardScaler).
 */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";

export interface Table {
  columns: string[];
  rows: Record<string, string>[];
  source: string;
}

export interface ColumnInfo {
  name: string;
  kind: "numeric" | "categorical";
  missing: number;
  /** Categories in order of first appearance (categorical columns). */
  categories?: string[];
}

export const DEFAULT_MISSING = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"];

export function readCsv(path: string): Table {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`readCsv: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    throw new Error(`readCsv: ${path} is not valid CSV (${(err as Error).message})`);
  }
  if (rows.length === 0) throw new Error(`readCsv: ${path} has a header but no rows`);
  return { columns: Object.keys(rows[0]), rows, source: path };
}

export function isMissing(v: string | undefined, missing: readonly string[] = DEFAULT_MISSING): boolean {
  return v === undefined || missing.includes(v);
}

/** Numeric when every present value parses as a number. */
export function describeColumns(table: Table, missing: readonly string[] = DEFAULT_MISSING): ColumnInfo[] {
  return table.columns.map((name) => {
    let absent = 0,
      numeric = true;
    const categories: string[] = [];
    const seen = new Set<string>();
    for (const r of table.rows) {
      const v = r[name];
      if (isMissing(v, missing)) {
        absent++;
        continue;
      }
      if (numeric && Number.isNaN(Number(v))) numeric = false;
      if (!seen.has(v)) {
        seen.add(v);
        categories.push(v);
      }
    }
    return numeric ? { name, kind: "numeric", missing: absent } : { name, kind: "categorical", missing: absent, categories };
  });
}

export function assertColumn(table: Table, name: string, who: string): void {
  if (!table.columns.includes(name)) throw new Error(`${who}: ${table.source} has no column '${name}'; columns: ${table.columns.join(", ")}`);
}

export interface ToTensorsOptions {
  target: string;
  /** Feature columns (default: every column but the target and `exclude`). */
  features?: string[];
  exclude?: string[];
  /** Categorical features: one-hot encoded (default) or dropped. */
  categorical?: "onehot" | "drop";
  /** Rows with a missing value in a used column: dropped (default), or an error. */
  missing?: "drop" | "error";
  missingValues?: readonly string[];
}

export interface TableTensors {
  x: Tensor;
  y: Tensor;
  featureNames: string[];
  /** Indices of the table rows that were kept. */
  rows: number[];
  dropped: number;
}

export function tableToTensors(table: Table, options: ToTensorsOptions): TableTensors {
  const who = "tableToTensors";
  const na = options.missingValues ?? DEFAULT_MISSING;
  assertColumn(table, options.target, who);
  const info = new Map(describeColumns(table, na).map((c) => [c.name, c]));
  const targetInfo = info.get(options.target)!;
  if (targetInfo.kind !== "numeric") {
    const bad = table.rows.findIndex((r) => !isMissing(r[options.target], na) && Number.isNaN(Number(r[options.target])));
    throw new Error(`${who}: target column '${options.target}' is not numeric (row ${bad + 2} has '${table.rows[bad][options.target]}')`);
  }
  const exclude = new Set([options.target, ...(options.exclude ?? [])]);
  const features = options.features ?? table.columns.filter((c) => !exclude.has(c));
  for (const f of features) assertColumn(table, f, who);
  const used = features.filter((f) => info.get(f)!.kind === "numeric" || (options.categorical ?? "onehot") === "onehot");
  const names: string[] = [];
  const encoders: ((r: Record<string, string>, out: number[]) => void)[] = [];
  for (const f of used) {
    const c = info.get(f)!;
    if (c.kind === "numeric") {
      names.push(f);
      encoders.push((r, out) => out.push(isMissing(r[f], na) ? NaN : Number(r[f])));
    } else {
      const cats = c.categories!;
      names.push(...cats.map((k) => `${f}=${k}`));
      // a missing categorical value is its own all-zero row
      encoders.push((r, out) => {
        for (const k of cats) out.push(r[f] === k ? 1 : 0);
      });
    }
  }
  const xs: number[] = [],
    ys: number[] = [],
    kept: number[] = [];
  let dropped = 0;
  table.rows.forEach((r, i) => {
    const row: number[] = [];
    for (const e of encoders) e(r, row);
    const target = isMissing(r[options.target], na) ? NaN : Number(r[options.target]);
    if (Number.isNaN(target) || row.some((v) => Number.isNaN(v))) {
      if ((options.missing ?? "drop") === "error") throw new Error(`${who}: row ${i + 2} of ${table.source} has a missing value`);
      dropped++;
      return;
    }
    xs.push(...row);
    ys.push(target);
    kept.push(i);
  });
  if (kept.length === 0) throw new Error(`${who}: no complete rows left in ${table.source} after dropping missing values`);
  return {
    x: tensor(Float32Array.from(xs), [kept.length, names.length]),
    y: tensor(Float32Array.from(ys), [kept.length]),
    featureNames: names,
    rows: kept,
    dropped,
  };
}
