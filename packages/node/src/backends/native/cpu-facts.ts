/**
 * What this machine is, without timing anything: the CPU's identity (CPUID through the addon),
 * the instruction set the native kernels dispatch to, the data cache sizes (the addon's, from the
 * C library; else Linux's /sys/devices/system/cpu/cpu0/cache) and the core and thread counts.
 * The machine profile (profile.ts) adds the measured multiply-add peak to these.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import type { Addon } from "./addon.js";

export interface CpuIdentity {
  /** CPUID's vendor string ("AuthenticAMD", "GenuineIntel"), "" where unknown. */
  vendor: string;
  /** The brand string, or what Node reports where CPUID is not available. */
  name: string;
  /** The display family, model and stepping as /proc/cpuinfo shows them; null where unknown. */
  family: number | null;
  model: number | null;
  stepping: number | null;
}

export interface CacheSizes {
  l1dBytes: number | null;
  l2Bytes: number | null;
  l3Bytes: number | null;
  /** Where the sizes came from: "sysconf" (the addon), "sysfs", both, or "unknown". */
  source: string;
}

export interface CpuFacts {
  cpu: CpuIdentity;
  /** The native kernels' instruction set path (`addon.info().isa`: avx512, avx2+fma, portable). */
  isa: string;
  bf16: boolean;
  /** Whether bfloat16 products run on AMX's tiles (absent from profiles saved before it was recorded). */
  amx?: boolean;
  caches: CacheSizes;
  /** Logical CPUs, physical cores (null where unknown) and the native thread pool's threads. */
  cores: { logical: number; physical: number | null; threads: number };
}

export const SYS_CPU = "/sys/devices/system/cpu";

const known = (v: number | undefined): number | null => (v !== undefined && Number.isInteger(v) && v >= 0 ? v : null);

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return null;
  }
}

/** "48K", "2048K", "32M" (sysfs's cache sizes) in bytes; null for anything else. */
export function parseCacheSize(text: string): number | null {
  const m = /^(\d+)([KMG]?)$/i.exec(text.trim());
  if (!m) return null;
  const scale = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as "" | "K" | "M" | "G"];
  return Number(m[1]) * scale;
}

/** cpu0's data and unified caches by level from sysfs (`root` is /sys/devices/system/cpu); empty off Linux. */
export function sysfsCaches(root = SYS_CPU): { l1dBytes: number | null; l2Bytes: number | null; l3Bytes: number | null } {
  const out = { l1dBytes: null as number | null, l2Bytes: null as number | null, l3Bytes: null as number | null };
  let entries: string[];
  try {
    entries = readdirSync(join(root, "cpu0", "cache")).filter((e) => /^index\d+$/.test(e));
  } catch {
    return out;
  }
  for (const e of entries) {
    const dir = join(root, "cpu0", "cache", e);
    const level = readText(join(dir, "level")),
      type = readText(join(dir, "type")),
      size = readText(join(dir, "size"));
    if (!level || !type || !size || type === "Instruction") continue;
    const bytes = parseCacheSize(size);
    if (level === "1" && type === "Data") out.l1dBytes = bytes;
    else if (level === "2") out.l2Bytes = bytes;
    else if (level === "3") out.l3Bytes = bytes;
  }
  return out;
}

/** Distinct (package, core) pairs under sysfs's topology: the physical cores; null off Linux. */
export function sysfsPhysicalCores(root = SYS_CPU): number | null {
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => /^cpu\d+$/.test(n));
  } catch {
    return null;
  }
  const cores = new Set<string>();
  for (const n of names) {
    const pkg = readText(join(root, n, "topology", "physical_package_id")),
      core = readText(join(root, n, "topology", "core_id"));
    if (pkg !== null && core !== null) cores.add(`${pkg}/${core}`);
  }
  return cores.size || null;
}

/** The addon's cache sizes where it knows them, sysfs's where it does not. */
export function mergeCaches(fromAddon: Omit<CacheSizes, "source">, fromSys: Omit<CacheSizes, "source">): CacheSizes {
  const used = new Set<string>();
  const pick = (a: number | null, s: number | null) => {
    const [value, source] = a !== null && a > 0 ? [a, "sysconf"] : s !== null && s > 0 ? [s, "sysfs"] : [null, ""];
    if (source) used.add(source);
    return value;
  };
  const caches = {
    l1dBytes: pick(fromAddon.l1dBytes, fromSys.l1dBytes),
    l2Bytes: pick(fromAddon.l2Bytes, fromSys.l2Bytes),
    l3Bytes: pick(fromAddon.l3Bytes, fromSys.l3Bytes),
  };
  return { ...caches, source: used.size ? [...used].join("+") : "unknown" };
}

/** This machine's facts from the addon, Node and sysfs (`sysRoot` for tests). */
export function cpuFacts(addon: Addon, sysRoot = SYS_CPU): CpuFacts {
  const info = addon.info();
  const c = typeof addon.cpu === "function" ? addon.cpu() : undefined;
  const nodeName = cpus()[0]?.model?.trim() ?? "";
  const positive = (v: number | undefined) => (v !== undefined && v > 0 ? v : null);
  return {
    cpu: {
      vendor: c?.vendor ?? "",
      name: c?.brand || nodeName || "unknown CPU",
      family: known(c?.family),
      model: known(c?.model),
      stepping: known(c?.stepping),
    },
    isa: info.isa,
    bf16: info.bf16,
    amx: info.amx === true,
    caches: mergeCaches({ l1dBytes: positive(c?.l1dBytes), l2Bytes: positive(c?.l2Bytes), l3Bytes: positive(c?.l3Bytes) }, sysfsCaches(sysRoot)),
    cores: { logical: cpus().length, physical: sysfsPhysicalCores(sysRoot), threads: info.threads },
  };
}
