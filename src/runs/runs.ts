/**
 * The runs folder: every `kerno train` (and any fit given `runDir`) keeps a folder
 * `runs/<date>-<time>-<name>/` with config.json (what was asked, the machine and versions),
 * status.json (running, finished or failed, with the process id: a run still "running" whose
 * process is gone was killed), history.csv (appended every epoch, so a killed run keeps its
 * epochs), summary.txt, report.json and, unless --out says otherwise, the model and plots.
 *
 * What a run folder holds is read as input (the dashboard serves it): a run file is read only when
 * its real path stays inside its run folder and it is a plain file (a FIFO would block, a symlink
 * could point at a secret); a damaged file reads as missing, so one bad run never hides the others.
 */
import { closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveInside, writeAtomic } from "../util/files.js";

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
 * Opens a run file whose real path `resolveInside` gave: without following a link swapped in since,
 * without blocking on a FIFO, and only when it is a plain file; null otherwise. The caller closes it.
 */
export function openRunFile(real: string): { fd: number; size: number } | null {
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (st.isFile()) return { fd, size: st.size };
  } catch {}
  closeSync(fd);
  return null;
}

/** A run file's text, or null when it is missing, not a plain file, too big, or its real path leaves `dir`. */
export function readRunText(dir: string, name: string): string | null {
  const real = resolveInside(dir, name);
  const file = real ? openRunFile(real) : null;
  if (!file) return null;
  try {
    return file.size <= MAX_RUN_FILE ? readFileSync(file.fd, "utf8") : null;
  } catch {
    return null;
  } finally {
    closeSync(file.fd);
  }
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

/** The best of many values without spreading them into arguments (which overflows the stack past ~100k). */
function best(values: number[], higher: boolean): number {
  let b = values[0];
  for (const v of values) if (higher ? v > b : v < b) b = v;
  return b;
}

export interface RunEntry {
  name: string;
  dir: string;
  started: string;
  status: RunStatus;
  seconds: number | null;
  epochs: number;
  /** The best validation accuracy (highest), else validation loss or another val_ metric (lowest). */
  best: { metric: string; value: number } | null;
}

/** One run folder as listed (missing or damaged files leave their fields empty; never throws for a folder's contents). */
export function runEntry(dir: string): RunEntry {
  const config = readRunJson<{ name?: unknown; started?: unknown }>(dir, "config.json");
  const status = readRunJson<StatusFile>(dir, "status.json");
  const history = readHistory(join(dir, "history.csv"));
  const started = text(config?.started) ?? text(status?.started) ?? mtime(dir);
  const known = ["running", "finished", "failed"].includes(status?.status as string);
  const state: RunStatus = !status || !known ? "killed" : status.status === "running" && !alive(status.pid) ? "killed" : status.status;
  const keys = Object.keys(history);
  const metric = ["val_accuracy", "val_loss"].find((k) => keys.includes(k)) ?? keys.find((k) => k.startsWith("val_"));
  const values = metric ? history[metric] : [];
  const higher = metric?.includes("acc") ?? false;
  const ended = text(status?.ended) ? Date.parse(status!.ended!) : state === "running" ? Date.now() : null;
  const seconds = ended ? (ended - Date.parse(started)) / 1000 : null;
  return {
    name: text(config?.name) ?? basename(dir),
    dir,
    started,
    status: state,
    seconds: seconds !== null && Number.isFinite(seconds) ? seconds : null,
    epochs: history.epoch?.length ?? 0,
    best: metric && values.length ? { metric, value: best(values, higher) } : null,
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
