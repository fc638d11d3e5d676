/**
 * Tables from CSV files (parsed by csv-parse): columns typed as numeric or categorical, missing
 * values recognized, and conversion to tensors with categorical columns one-hot encoded or
 * dropped. Numeric standardization is fitted on the training rows only (StandardScaler).
 */
import { readFileSync } from "node:fs";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { parse } from "csv-parse/sync";

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

/**
 * A CSV file's bytes as text: UTF-8 (with or without its BOM), or UTF-16 in either byte order,
 * told by its BOM or, without one, by the zero bytes every other byte of ASCII text has in UTF-16
 * (Excel's "Unicode text" and PowerShell write such files). Other binary content is an error.
 */
export function csvText(bytes: Uint8Array, path: string): string {
  const head = bytes.subarray(0, 4096);
  const zerosAt = (parity: number) => head.filter((b, i) => i % 2 === parity && b === 0).length;
  let encoding = "utf-8";
  if (head[0] === 0xff && head[1] === 0xfe) encoding = "utf-16le";
  else if (head[0] === 0xfe && head[1] === 0xff) encoding = "utf-16be";
  else if (head.length >= 4 && zerosAt(1) > 0.4 * head.length) encoding = "utf-16le";
  else if (head.length >= 4 && zerosAt(0) > 0.4 * head.length) encoding = "utf-16be";
  else if (head.includes(0)) throw new Error(`readCsv: ${path} is not a text file (it holds zero bytes; expected CSV in UTF-8 or UTF-16)`);
  try {
    // TextDecoder drops the BOM of the encoding it decodes
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`readCsv: ${path} is not valid ${encoding.toUpperCase()} text (expected CSV in UTF-8 or UTF-16; save it as UTF-8)`);
  }
}

export function readCsv(path: string): Table {
  let text: string;
  try {
    text = csvText(readFileSync(path), path);
  } catch (err) {
    if ((err as Error).message.startsWith("readCsv:")) throw err;
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

/** The most values a categorical column is one-hot encoded with: the most frequent; the rest share one "(other)". */
export const MAX_CATEGORIES = 50;

export type CategoricalEncoding = { categories: string[]; other: boolean } | { dropped: string };

/**
 * How a text column's present values are one-hot encoded: its MAX_CATEGORIES most frequent values
 * (ties in the order of `order`, else of first appearance) and whether others exist; or, for a
 * column of more distinct values than that which are mostly unique (an identifier, free text),
 * why it is dropped: one column per value would grow with the rows (20,000 ids took 2 GB).
 */
export function categoricalEncoding(present: readonly string[], order?: readonly string[]): CategoricalEncoding {
  const counts = new Map<string, number>();
  for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size > MAX_CATEGORIES && counts.size > 0.5 * present.length)
    return { dropped: `free text or an identifier (${counts.size} distinct values in ${present.length} rows)` };
  const rank = new Map((order ?? [...counts.keys()]).map((v, i) => [v, i]));
  const categories = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (rank.get(a[0]) ?? 0) - (rank.get(b[0]) ?? 0))
    .slice(0, MAX_CATEGORIES)
    .map(([v]) => v);
  return { categories, other: counts.size > MAX_CATEGORIES };
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
  /** Feature columns left out, and why (a categorical column under categorical "drop", an identifier, free text). */
  droppedColumns: { name: string; reason: string }[];
}

/** Appends a row's encoded values at `out[at]`; returns false when a value is missing. */
type Encoder = (r: Record<string, string>, out: Float32Array, at: number) => boolean;

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
  const names: string[] = [];
  const encoders: { width: number; encode: Encoder }[] = [];
  const droppedColumns: { name: string; reason: string }[] = [];
  for (const f of features) {
    const c = info.get(f)!;
    if (c.kind === "numeric") {
      names.push(f);
      encoders.push({
        width: 1,
        encode: (r, out, at) => {
          if (isMissing(r[f], na)) return false;
          out[at] = Number(r[f]);
          return true;
        },
      });
      continue;
    }
    if ((options.categorical ?? "onehot") === "drop") {
      droppedColumns.push({ name: f, reason: "categorical" });
      continue;
    }
    const encoding = categoricalEncoding(
      table.rows.map((r) => r[f]).filter((v) => !isMissing(v, na)),
      c.categories,
    );
    if ("dropped" in encoding) {
      droppedColumns.push({ name: f, reason: encoding.dropped });
      continue;
    }
    const cats = encoding.other ? [...encoding.categories, "(other)"] : encoding.categories;
    const index = new Map(encoding.categories.map((k, i) => [k, i]));
    names.push(...cats.map((k) => `${f}=${k}`));
    // a missing categorical value is its own all-zero row; a rare one is "(other)"
    encoders.push({
      width: cats.length,
      encode: (r, out, at) => {
        if (!isMissing(r[f], na)) out[at + (index.get(r[f]) ?? cats.length - 1)] = 1;
        return true;
      },
    });
  }
  // rows first, then one array of their features: a row's values never pass through the call stack
  const kept: number[] = [];
  const row = new Float32Array(names.length);
  let dropped = 0;
  table.rows.forEach((r, i) => {
    row.fill(0);
    let at = 0,
      complete = !isMissing(r[options.target], na);
    for (const e of encoders) {
      complete = e.encode(r, row, at) && complete;
      at += e.width;
    }
    if (complete) kept.push(i);
    else if ((options.missing ?? "drop") === "error") throw new Error(`${who}: row ${i + 2} of ${table.source} has a missing value`);
    else dropped++;
  });
  if (kept.length === 0) throw new Error(`${who}: no complete rows left in ${table.source} after dropping missing values`);
  const x = new Float32Array(kept.length * names.length);
  kept.forEach((i, k) => {
    let at = k * names.length;
    for (const e of encoders) {
      e.encode(table.rows[i], x, at);
      at += e.width;
    }
  });
  const y = Float32Array.from(kept, (i) => Number(table.rows[i][options.target]));
  return { x: tensor(x, [kept.length, names.length]), y: tensor(y, [kept.length]), featureNames: names, rows: kept, dropped, droppedColumns };
}
