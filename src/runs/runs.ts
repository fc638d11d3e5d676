/**
 * The runs folder: every `kerno train` (and any fit given a RunHistory callback) keeps a folder
 * `runs/<date>-<time>-<name>/` with config.json (what was asked, the machine and versions),
 * status.json (running, finished or failed, with the process id: a run still "running" whose
 * process is gone was killed), history.csv (appended every epoch, so a killed run keeps its
 * epochs), summary.txt, report.json and, unless --out says otherwise, the model and plots.
 *
 * What a run folder holds is read as input (the dashboard serves it): a run file is read only when
 * its real path stays inside its run folder and it is a plain file (a FIFO would block, a symlink
 * could point at a secret); a damaged file reads as missing, so one bad run never hides the others.
 */
import { closeSync, existsSync, mkdirSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openPlainFile, resolveInside, writeAtomic } from "@kerno/node/util/files.js";
import { type HistorySummary, summarizeColumns, summarizeText } from "./history-summary.js";

export type RunStatus = "running" | "finished" | "failed" | "killed";

interface StatusFile {
  status: "running" | "finished" | "failed";
  pid: number;
  started: string;
  ended?: string;
  error?: string;
}

/** Where runs go: --runs, else KERNO_RUNS_DIR, else ./runs. */
export function runsRoot(flag?: string): string {
  return resolve(flag ?? process.env.KERNO_RUNS_DIR ?? "runs");
}

/** kerno's version, from the package.json two folders up (the same from src/runs and dist/runs). */
function kernoVersion(): string {
  return readJson<{ version?: string }>(fileURLToPath(new URL("../../package.json", import.meta.url)))?.version ?? "unknown";
}

const stamp = (d: Date) => d.toISOString().slice(0, 19).replace("T", "-").replace(/:/g, "-");

/** Creates the run's folder with its config and a "running" status; returns the folder. */
export function startRun(root: string, name: string, config: Record<string, unknown>): string {
  const started = new Date();
  const base = join(root, `${stamp(started)}-${name.replace(/[^\w.-]+/g, "_")}`);
  let dir = base;
  for (let k = 2; existsSync(dir); k++) dir = `${base}-${k}`;
  mkdirSync(dir, { recursive: true });
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: process.platform,
  };
  const versions = { kerno: kernoVersion(), node: process.version };
  writeAtomic(join(dir, "config.json"), `${JSON.stringify({ name, started: started.toISOString(), ...config, versions, machine }, null, 1)}\n`);
  writeStatus(dir, { status: "running", pid: process.pid, started: started.toISOString() });
  return dir;
}

function writeStatus(dir: string, status: StatusFile): void {
  writeAtomic(join(dir, "status.json"), `${JSON.stringify(status)}\n`);
}

/** Marks the run finished (with its report) or failed (with the error). */
export function endRun(dir: string, outcome: { report: unknown } | { error: Error }): void {
  const status = readJson<StatusFile>(join(dir, "status.json"));
  const ended = new Date().toISOString();
  if ("report" in outcome) {
    writeAtomic(join(dir, "report.json"), `${JSON.stringify(outcome.report, null, 1)}\n`);
    writeStatus(dir, { status: "finished", pid: process.pid, started: status?.started ?? ended, ended });
  } else writeStatus(dir, { status: "failed", pid: process.pid, started: status?.started ?? ended, ended, error: outcome.error.message });
}

/** A JSON file's value, or null when it is missing or damaged. */
export function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false; // 0 and -1 would signal a whole group
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Larger run files are taken as damaged (a history of a million epochs is ~50 MB). */
const MAX_RUN_FILE = 256 * 2 ** 20;
/**
 * The largest history.csv the runs list reads (~150k epochs of a few metrics): the list is polled
 * every 5 s and reads in one go, so a longer run is listed with a note; its own view reads it up to
 * MAX_RUN_FILE.
 */
export const LIST_HISTORY_BYTES = 8 * 2 ** 20;

/** A run file's text, or null when it is missing, not a plain file, too big, or its real path leaves `dir`. */
export function readRunText(dir: string, name: string): string | null {
  const real = resolveInside(dir, name);
  const file = real ? openPlainFile(real) : null;
  if (!file) return null;
  try {
    return file.size <= MAX_RUN_FILE ? readAll(file.fd, file.size) : null;
  } catch {
    return null;
  } finally {
    closeSync(file.fd);
  }
}

/** The first `size` bytes of an open file as text: what was measured, not what a writer has added since. */
function readAll(fd: number, size: number): string {
  const buffer = Buffer.allocUnsafe(size);
  let got = 0;
  for (let n = 1; got < size && n > 0; got += n) n = readSync(fd, buffer, got, size - got, got);
  return buffer.toString("utf8", 0, got);
}

/** A run file's JSON value, or null (see readRunText; damaged JSON too). */
export function readRunJson<T>(dir: string, name: string): T | null {
  const text = readRunText(dir, name);
  try {
    return text === null ? null : (JSON.parse(text) as T);
  } catch {
    return null;
  }
}

/** history.csv as columns (a torn last line, from a killed run, is left out; a file linking out of its folder reads as empty). */
export function readHistory(path: string): Record<string, number[]> {
  const lines = (readRunText(dirname(path), basename(path)) ?? "").split("\n");
  const header = lines[0] ? lines[0].split(",") : [];
  const out = new Map<string, number[]>(header.map((h) => [h, []]));
  const columns = header.map((h) => out.get(h)!);
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(",");
    if (cells.length !== header.length || cells.some((c) => c === "" || Number.isNaN(Number(c)))) continue;
    for (let k = 0; k < cells.length; k++) columns[k].push(Number(cells[k]));
  }
  return Object.fromEntries(out);
}

export interface RunEntry extends HistorySummary {
  name: string;
  dir: string;
  started: string;
  status: RunStatus;
  seconds: number | null;
}

/** Summaries the list has read, by history.csv's real path (a bounded map, oldest use dropped first). */
const listed = new Map<string, { key: string; summary: HistorySummary }>();
const LISTED_MAX = 10_000;
const NO_HISTORY: HistorySummary = Object.freeze({ epochs: 0, best: null });

/**
 * The list's summary of a run's history.csv: read again only when its inode, size or mtime changed
 * (an unchanged run costs a stat per poll), and not read at all past LIST_HISTORY_BYTES.
 */
function listedHistory(dir: string): HistorySummary {
  const real = resolveInside(dir, "history.csv");
  const file = real ? openPlainFile(real) : null;
  if (!real || !file) return NO_HISTORY;
  try {
    const key = `${file.ino}:${file.size}:${file.mtimeMs}`;
    const hit = listed.get(real);
    let summary = hit?.key === key ? hit.summary : null;
    if (!summary) {
      const note = `history.csv is ${(file.size / 2 ** 20).toFixed(1)} MB, over the ${LIST_HISTORY_BYTES / 2 ** 20} MB the runs list reads; open the run for its epochs`;
      summary = file.size > LIST_HISTORY_BYTES ? { epochs: 0, best: null, note } : summarizeText(readAll(file.fd, file.size));
      // frozen: every later listing shares it
      Object.freeze(summary.best);
      Object.freeze(summary);
    }
    listed.delete(real); // set again: the most recently listed go last, and the oldest go first
    listed.set(real, { key, summary });
    if (listed.size > LISTED_MAX) listed.delete(listed.keys().next().value as string);
    return summary;
  } catch {
    return NO_HISTORY;
  } finally {
    closeSync(file.fd);
  }
}

function statusOf(status: StatusFile | null): RunStatus {
  if (!status || !["running", "finished", "failed"].includes(status.status)) return "killed";
  return status.status === "running" && !alive(status.pid) ? "killed" : status.status;
}

/** A run's status from its status.json alone (a "running" run whose process is gone was killed). */
export const runStatus = (dir: string): RunStatus => statusOf(readRunJson<StatusFile>(dir, "status.json"));

/**
 * One run folder as listed (missing or damaged files leave their fields empty; never throws for a
 * folder's contents). The history's summary comes from `history` where the caller has read it
 * whole (the single-run view), else from the list's cached, size-capped one.
 */
export function runEntry(dir: string, history?: Record<string, number[]>): RunEntry {
  const config = readRunJson<{ name?: unknown; started?: unknown }>(dir, "config.json");
  const status = readRunJson<StatusFile>(dir, "status.json");
  const summary = history ? summarizeColumns(history) : listedHistory(dir);
  const started = text(config?.started) ?? text(status?.started) ?? mtime(dir);
  const state = statusOf(status);
  const ended = text(status?.ended) ? Date.parse(status!.ended!) : state === "running" ? Date.now() : null;
  const seconds = ended ? (ended - Date.parse(started)) / 1000 : null;
  return {
    name: text(config?.name) ?? basename(dir),
    dir,
    started,
    status: state,
    seconds: seconds !== null && Number.isFinite(seconds) ? seconds : null,
    ...summary,
  };
}

const text = (v: unknown) => (typeof v === "string" ? v : undefined);

function mtime(dir: string): string {
  try {
    return statSync(dir).mtime.toISOString();
  } catch {
    return "";
  }
}

/**
 * Every run under `root`, newest first; folders with missing or damaged files still list. Entries
 * that are not folders (files, dangling links) and links to folders outside `root` are left out.
 */
export function listRuns(root: string): RunEntry[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => {
      const real = resolveInside(root, d);
      try {
        return real !== null && statSync(real).isDirectory();
      } catch {
        return false;
      }
    })
    .map((d) => runEntry(join(root, d)))
    .sort((a, b) => b.started.localeCompare(a.started));
}
