/**
 * The machine a bench run ran on, as each saved or --json run records it: the CPU (family, model,
 * name), the native ISA path, the cache sizes and the measured multiply-add peak from the machine
 * profile (packages/node/src/backends/native/profile.ts, measured at first use and kept in the data
 * cache), the load averages at the start and end, and the versions compared.
 */
import { cpus } from "node:os";
import { type MachineProfile, type ProfileResult, peakLooksDisturbed } from "@kerno/node/backends/native/profile.js";

export interface MachineRecord {
  cpu: string;
  cores: number;
  isa: string;
  node: string;
  pytorch: string | null;
  onnxRuntime: string | null;
  /** 1-minute load averages at the start and the end. */
  loadStart: number;
  loadEnd: number;
  /** os.loadavg() at the start: 1, 5 and 15 minutes (absent from runs saved before it). */
  loadAverageStart?: number[];
  /** The machine profile (CPU identity, caches, FMA peak), or null with profileError saying why. */
  profile?: MachineProfile | null;
  profileError?: string;
}

export interface MachineDeps {
  profile: () => ProfileResult;
  loadavg: () => number[];
  /** The native ISA path when the profile cannot be had. */
  isa: () => string;
  versions: { pytorch: string | null; onnxRuntime: string | null };
}

/** The start of the run's record: the machine and its load now; `finish` adds the load at the end. */
export function startMachineRecord(deps: MachineDeps): { record: MachineRecord; finish: () => MachineRecord } {
  const load = deps.loadavg();
  let profile: MachineProfile | null = null,
    profileError: string | undefined;
  try {
    profile = deps.profile().profile;
  } catch (err) {
    profileError = (err as Error).message;
  }
  const record: MachineRecord = {
    cpu: profile?.cpu.name ?? cpus()[0]?.model ?? "unknown CPU",
    cores: profile?.cores.logical ?? cpus().length,
    isa: profile?.isa ?? deps.isa(),
    node: process.version,
    pytorch: deps.versions.pytorch,
    onnxRuntime: deps.versions.onnxRuntime,
    loadStart: load[0],
    loadEnd: load[0],
    loadAverageStart: load,
    profile,
    ...(profileError ? { profileError } : {}),
  };
  return { record, finish: () => Object.assign(record, { loadEnd: deps.loadavg()[0] }) };
}

/** One line about the machine for the bench's header and the saved run's block in docs/performance.md. */
export function describeMachine(m: MachineRecord): string {
  const p = m.profile;
  if (!p) return `${m.cpu}, ${m.cores} cores, kerno's ${m.isa} path${m.profileError ? ` (no machine profile: ${m.profileError})` : ""}`;
  const fms = p.cpu.family === null ? "" : ` (family ${p.cpu.family}, model ${p.cpu.model ?? "?"})`;
  const mib = (b: number | null) => (b === null ? "?" : b >= 1 << 20 ? `${+(b / (1 << 20)).toFixed(1)} MiB` : `${b >> 10} KiB`);
  return (
    `${p.cpu.name}${fms}, ${p.cores.logical} logical cores, kerno's ${p.isa} path, L1d ${mib(p.caches.l1dBytes)} / L2 ${mib(p.caches.l2Bytes)} / L3 ${mib(p.caches.l3Bytes)}, ` +
    `measured FMA peak ${p.fmaPeakGflops.singleThread.toFixed(0)} GFLOPS on 1 thread and ${p.fmaPeakGflops.allThreads.toFixed(0)} on ${p.cores.threads}` +
    (peakLooksDisturbed(p) ? " (the all-thread figure looks disturbed by other processes: kerno doctor --measure on a quiet machine)" : "")
  );
}
