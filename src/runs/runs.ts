/**
 * The runs folder: every `kerno train` (and any fit given `runDir`) keeps a folder
 * `runs/<date>-<time>-<name>/` with config.json (what was asked, the machine and versions),
 * status.json (running, finished or failed, with the process id: a run still "running" whose
 * process is gone was killed), history.csv (appended every epoch, so a killed run keeps its
 * epochs), summary.txt, report.json and, unless --out says otherwise, the model and plots.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeAtomic } from "../util/files.js";

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
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** history.csv as columns (a torn last line, from a killed run, is left out). */
export function readHistory(path: string): Record<string, number[]> {
  if (!existsSync(path)) return {};
  const lines = readFileSync(path, "utf8").split("\n");
  const header = lines[0]?.split(",") ?? [];
  const out: Record<string, number[]> = Object.fromEntries(header.map((h) => [h, []]));
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    if (cells.length !== header.length || cells.some((c) => c === "" || Number.isNaN(Number(c)))) continue;
    header.forEach((h, i) => out[h].push(Number(cells[i])));
  }
  return out;
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

/** One run folder as listed (missing or damaged files leave their fields empty). */
export function runEntry(dir: string): RunEntry {
  const config = readJson<{ name?: string; started?: string }>(join(dir, "config.json"));
  const status = readJson<StatusFile>(join(dir, "status.json"));
  const history = readHistory(join(dir, "history.csv"));
  const started = config?.started ?? status?.started ?? statSync(dir).mtime.toISOString();
  const state: RunStatus = !status ? "killed" : status.status === "running" && !alive(status.pid) ? "killed" : status.status;
  const keys = Object.keys(history);
  const metric = ["val_accuracy", "val_loss"].find((k) => keys.includes(k)) ?? keys.find((k) => k.startsWith("val_"));
  const values = metric ? history[metric] : [];
  const higher = metric?.includes("acc") ?? false;
  const best = metric && values.length ? { metric, value: higher ? Math.max(...values) : Math.min(...values) } : null;
  const ended = status?.ended ? Date.parse(status.ended) : state === "running" ? Date.now() : null;
  return {
    name: config?.name ?? basename(dir),
    dir,
    started,
    status: state,
    seconds: ended ? (ended - Date.parse(started)) / 1000 : null,
    epochs: history.epoch?.length ?? 0,
    best,
  };
}

/** Every run under `root`, newest first; folders with missing or damaged files still list. */
export function listRuns(root: string): RunEntry[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((d) => join(root, d))
    .filter((dir) => statSync(dir).isDirectory())
    .map(runEntry)
    .sort((a, b) => b.started.localeCompare(a.started));
}
