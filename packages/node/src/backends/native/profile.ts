/**
 * The machine profile: the CPU's facts (cpu-facts.ts) and its multiply-add peak, measured once per
 * machine at first use (single-thread and all-thread, each the best of a few trials so that one
 * busy moment does not understate it) and kept as JSON in the data cache under machine/, one file
 * per CPU identity, instruction set path and thread count. The file is written atomically and read
 * back as untrusted input: a malformed or foreign one is measured again and replaced.
 * `kerno doctor` shows it (`--measure` measures again); the bench records it with every run.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { dataDir } from "../../data/cache.js";
import { writeAtomic } from "../../util/files.js";
import { type Addon, loadAddon } from "./addon.js";
import { type CpuFacts, cpuFacts } from "./cpu-facts.js";

export interface FmaPeaks {
  /** GFLOPS of multiply-adds on the calling thread alone, and on every native pool thread at once. */
  singleThread: number;
  allThreads: number;
}

export interface MachineProfile extends CpuFacts {
  version: typeof PROFILE_VERSION;
  /** The file's key: CPU identity, instruction set path and threads (profileKey). */
  key: string;
  /** When the peak was measured (ISO 8601). */
  measuredAt: string;
  /** The 1-minute load average when the peak was (last) measured. */
  loadAverage: number;
  /** How many measurements the peak is the best of (a disturbed one is measured again at next use, up to MAX_MEASUREMENTS). */
  measurements: number;
  fmaPeakGflops: FmaPeaks;
}

/** 2: the peak loop runs every chain it counts (version 1's dropped 2 of 16 and read 16/14 too high); older files are measured again. */
export const PROFILE_VERSION = 2;

/** Trials of the addon's peak loop (itself the best of 5 rounds of about 50 ms) per thread setting. */
export const PEAK_TRIALS = 2;

/**
 * A saved peak that looks disturbed (see peakLooksDisturbed) is measured again at next use, this many
 * times at most; after that, only when the load average has fallen by LOAD_DROP since its last measurement.
 */
export const MAX_MEASUREMENTS = 3;
export const LOAD_DROP = 0.5;

/**
 * True when the all-thread peak is under 75% of the single-thread one times the cores that can run
 * at once: the multiply-add loop scales with cores (all-core clocks cost less than a fifth), so a
 * lower figure means another process held a core while it ran.
 */
export function peakLooksDisturbed(p: Pick<MachineProfile, "cores" | "fmaPeakGflops">): boolean {
  const parallel = Math.min(p.cores.threads, p.cores.physical ?? p.cores.threads);
  return p.fmaPeakGflops.allThreads < 0.75 * p.fmaPeakGflops.singleThread * parallel;
}

/**
 * The best of `trials` readings of the addon's multiply-add peak: the one measurement behind the
 * profile and the bench's "FMA peak (measured)" row.
 */
export function bestFmaPeak(addon: Addon, threads: "one" | "all", trials = PEAK_TRIALS): number {
  let best = 0;
  for (let t = 0; t < trials; t++) best = Math.max(best, threads === "one" ? addon.fmaPeak(1) : addon.fmaPeak());
  return best;
}

export function measureFmaPeaks(addon: Addon, trials = PEAK_TRIALS): FmaPeaks {
  return { singleThread: bestFmaPeak(addon, "one", trials), allThreads: bestFmaPeak(addon, "all", trials) };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40) || "cpu";

/** Names the profile's file: readable parts, and a hash of the whole identity so that two CPUs never share one. */
export function profileKey(f: Pick<CpuFacts, "cpu" | "isa" | "cores">): string {
  const { vendor, name, family, model, stepping } = f.cpu;
  const identity = JSON.stringify([vendor, name, family, model, stepping, f.isa, f.cores.threads]);
  const hash = createHash("sha256").update(identity).digest("hex").slice(0, 10);
  return `${slug(vendor)}-${family ?? "x"}-${model ?? "x"}-${slug(name)}.${slug(f.isa)}.${f.cores.threads}t.${hash}`;
}

export const profileDir = () => join(dataDir(), "machine");

/** Where this machine's profile lives under `dir`. */
export const profilePath = (facts: CpuFacts, dir = profileDir()) => join(dir, `${profileKey(facts)}.json`);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a profile file's text, checking every field; throws naming the file, the field and what it held. */
export function parseProfile(text: string, path: string): MachineProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not JSON (${(err as Error).message})`);
  }
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new Error(`${path}: ${field} should be ${expected}, got ${JSON.stringify(got)?.slice(0, 80)}`);
  };
  const obj = (v: unknown, field: string): Json => (isObject(v) ? v : bad(field, "an object", v));
  const str = (v: unknown, field: string): string => (typeof v === "string" ? v : bad(field, "a string", v));
  const intOrNull = (v: unknown, field: string, min = 0): number | null =>
    v === null || (Number.isSafeInteger(v) && (v as number) >= min) ? (v as number | null) : bad(field, `null or an integer >= ${min}`, v);
  const count = (v: unknown, field: string): number => (Number.isSafeInteger(v) && (v as number) >= 1 ? (v as number) : bad(field, "an integer >= 1", v));
  const gflops = (v: unknown, field: string): number =>
    typeof v === "number" && Number.isFinite(v) && v > 0 && v < 1e7 ? v : bad(field, "GFLOPS, a number above 0", v);

  const p = obj(raw, "the file");
  if (p.version !== PROFILE_VERSION) bad("version", String(PROFILE_VERSION), p.version);
  const cpu = obj(p.cpu, "cpu"),
    caches = obj(p.caches, "caches"),
    cores = obj(p.cores, "cores"),
    peak = obj(p.fmaPeakGflops, "fmaPeakGflops");
  const measuredAt = str(p.measuredAt, "measuredAt");
  if (Number.isNaN(Date.parse(measuredAt))) bad("measuredAt", "an ISO 8601 date", measuredAt);
  if (typeof p.bf16 !== "boolean") bad("bf16", "a boolean", p.bf16);
  if (p.amx !== undefined && typeof p.amx !== "boolean") bad("amx", "a boolean (or absent)", p.amx);
  const profile: MachineProfile = {
    version: PROFILE_VERSION,
    key: str(p.key, "key"),
    measuredAt,
    loadAverage:
      typeof p.loadAverage === "number" && Number.isFinite(p.loadAverage) && p.loadAverage >= 0
        ? p.loadAverage
        : bad("loadAverage", "a number >= 0", p.loadAverage),
    measurements: count(p.measurements, "measurements"),
    cpu: {
      vendor: str(cpu.vendor, "cpu.vendor"),
      name: str(cpu.name, "cpu.name"),
      family: intOrNull(cpu.family, "cpu.family"),
      model: intOrNull(cpu.model, "cpu.model"),
      stepping: intOrNull(cpu.stepping, "cpu.stepping"),
    },
    isa: str(p.isa, "isa"),
    bf16: p.bf16 as boolean,
    amx: p.amx === true,
    caches: {
      l1dBytes: intOrNull(caches.l1dBytes, "caches.l1dBytes", 1),
      l2Bytes: intOrNull(caches.l2Bytes, "caches.l2Bytes", 1),
      l3Bytes: intOrNull(caches.l3Bytes, "caches.l3Bytes", 1),
      source: str(caches.source, "caches.source"),
    },
    cores: {
      logical: count(cores.logical, "cores.logical"),
      physical: intOrNull(cores.physical, "cores.physical", 1),
      threads: count(cores.threads, "cores.threads"),
    },
    fmaPeakGflops: { singleThread: gflops(peak.singleThread, "fmaPeakGflops.singleThread"), allThreads: gflops(peak.allThreads, "fmaPeakGflops.allThreads") },
  };
  // a file copied from another machine, or edited, no longer matches its own key
  if (profileKey(profile) !== profile.key) bad("key", `${profileKey(profile)} (the key of its own fields)`, profile.key);
  return profile;
}

export interface ProfileOptions {
  /** Measure again even when a valid profile is saved (`kerno doctor --measure`). */
  remeasure?: boolean;
  /** The folder of profiles (default: machine/ in the data cache). */
  dir?: string;
  /** This machine's facts (default: from the native addon); tests inject their own. */
  facts?: CpuFacts;
  /** The peak measurement (default: measureFmaPeaks on the addon); tests inject a fake one. */
  measure?: () => FmaPeaks;
  now?: () => Date;
  /** The 1-minute load average (default: os.loadavg()[0]). */
  load?: () => number;
  /** The addon to read facts and measure with (default: loadAddon()). */
  addon?: Addon;
}

export interface ProfileResult {
  profile: MachineProfile;
  path: string;
  /** "saved": read from path; "measured": measured now (why says why). */
  source: "saved" | "measured";
  why?: string;
  /** Why the measured profile could not be written (it is still returned). */
  saveError?: string;
}

/** This machine's profile: the saved one when valid and this machine's, else measured now and saved. */
export function machineProfile(options: ProfileOptions = {}): ProfileResult {
  const addon = () => options.addon ?? loadAddon();
  const facts = options.facts ?? cpuFacts(addon());
  const dir = options.dir ?? profileDir();
  const path = profilePath(facts, dir);
  const load = options.load ?? (() => loadavg()[0]);
  let why = "asked to measure again";
  let previous: MachineProfile | null = null;
  if (!options.remeasure) {
    let text: string | null = null;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      why = "no saved profile for this machine";
    }
    if (text !== null) {
      try {
        const saved = parseProfile(text, path);
        if (saved.key !== profileKey(facts)) why = `${path} holds the profile of ${saved.key}, not of this machine (${profileKey(facts)})`;
        else if (!peakLooksDisturbed(saved) || (saved.measurements >= MAX_MEASUREMENTS && load() > saved.loadAverage - LOAD_DROP))
          return { profile: { ...saved, amx: facts.amx === true }, path, source: "saved" };
        else {
          previous = saved;
          why = `the saved all-thread peak (${saved.fmaPeakGflops.allThreads.toFixed(1)} GFLOPS) looked disturbed: measured again, keeping the best`;
        }
      } catch (err) {
        why = `${(err as Error).message}; measured again`;
      }
    }
  }
  const now = (options.measure ?? (() => measureFmaPeaks(addon())))();
  const peaks = previous
    ? { singleThread: Math.max(now.singleThread, previous.fmaPeakGflops.singleThread), allThreads: Math.max(now.allThreads, previous.fmaPeakGflops.allThreads) }
    : now;
  const profile: MachineProfile = {
    version: PROFILE_VERSION,
    key: profileKey(facts),
    measuredAt: (options.now?.() ?? new Date()).toISOString(),
    loadAverage: load(),
    measurements: (previous?.measurements ?? 0) + 1,
    ...facts,
    amx: facts.amx === true,
    fmaPeakGflops: peaks,
  };
  try {
    mkdirSync(dir, { recursive: true });
    writeAtomic(path, `${JSON.stringify(profile, null, 1)}\n`);
    return { profile, path, source: "measured", why };
  } catch (err) {
    return { profile, path, source: "measured", why, saveError: `cannot write ${path}: ${(err as Error).message}` };
  }
}

const kib = (b: number | null) => (b === null ? "?" : b >= 1024 ** 2 ? `${+(b / 1024 ** 2).toFixed(1)} MiB` : `${+(b / 1024).toFixed(1)} KiB`);

/** The profile as lines of text, for `kerno doctor` and the bench's header. */
export function describeProfile(p: MachineProfile): string[] {
  const { vendor, name, family, model, stepping } = p.cpu;
  const fms = [family, model, stepping].map((v) => (v === null ? "?" : String(v)));
  return [
    `CPU: ${name}${vendor ? ` (${vendor}, family ${fms[0]}, model ${fms[1]}, stepping ${fms[2]})` : ""}`,
    `ISA path: ${p.isa}${p.bf16 ? ` with AVX512_BF16${p.amx ? " and AMX tiles" : ""}` : ""}`,
    `caches: L1d ${kib(p.caches.l1dBytes)}, L2 ${kib(p.caches.l2Bytes)}, L3 ${kib(p.caches.l3Bytes)} (from ${p.caches.source})`,
    `cores: ${p.cores.physical ?? "?"} physical, ${p.cores.logical} logical, ${p.cores.threads} native threads`,
    `FMA peak: ${p.fmaPeakGflops.singleThread.toFixed(1)} GFLOPS on 1 thread, ${p.fmaPeakGflops.allThreads.toFixed(1)} on ${p.cores.threads} ` +
      `(best of ${p.measurements} measurement${p.measurements > 1 ? "s" : ""}, the last ${p.measuredAt} at load ${p.loadAverage.toFixed(2)}${peakLooksDisturbed(p) ? "; the all-thread figure still looks disturbed" : ""})`,
  ];
}
