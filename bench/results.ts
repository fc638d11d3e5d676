/** Saved bench runs (`npm run bench -- --save`; `--json` prints the same object): the rows with the machine (machine.ts), its load, the versions and the date, under bench/results/. */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeAtomic } from "@kerno/node/util/files.js";
import type { MachineRecord } from "./machine.js";
import type { BrowserRun, Row, WebGpuRun } from "./rows.js";

export interface SavedRun {
  date: string;
  machine: MachineRecord;
  seconds: number;
  /** How the two sides were made comparable (distinct batches, denormals). */
  policy: string;
  rows: Row[];
  /** The browser section (`npm run bench browser`), when it ran. */
  browser?: BrowserRun;
  /** The webgpu section (`npm run bench webgpu`), when it ran. */
  webgpu?: WebGpuRun;
}

export const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));

/** Writes the run as results/<date>.json (atomically) and returns the path. */
export function saveRun(run: SavedRun, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${run.date.replace(/[:.]/g, "-")}.json`);
  writeAtomic(path, `${JSON.stringify(run, null, 1)}\n`);
  return path;
}

/** The newest saved run (file names sort by date), or null. */
export function latestRun(dir = RESULTS_DIR): { run: SavedRun; file: string } | null {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort();
  } catch {
    return null;
  }
  const file = files.at(-1);
  return file ? { run: JSON.parse(readFileSync(join(dir, file), "utf8")) as SavedRun, file: join("bench/results", file) } : null;
}
