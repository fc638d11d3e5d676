/**
 * `kerno doctor [--json] [--measure]`: which backend runs, with what SIMD path and threads, why
 * another was skipped, the WebGPU adapter or why there is none, and this machine's profile (CPU, caches, measured multiply-add peak), measured
 * at first use and saved in the data cache; `--measure` measures it again.
 */

import { backendNotes, getBackend, listBackends } from "@kerno/core/backends/registry.js";
import { addonPath, loadAddon } from "@kerno/node/backends/native/index.js";
import { describeProfile, machineProfile, type ProfileOptions, type ProfileResult } from "@kerno/node/backends/native/profile.js";
import { distributedAvailable, mpiAddonPath } from "@kerno/node/distributed/mpi.js";
import { wasmFallback } from "../wasm-fallback.js";
import { parse } from "./args.js";

export interface DoctorDeps {
  /** The machine profile (tests inject one that measures nothing). */
  profile: (options: ProfileOptions) => ProfileResult;
  /** The WebGPU adapter, or why there is none. */
  webgpu: () => Promise<{ adapter: string } | { error: string }>;
  out: (line: string) => void;
}

/** @kerno/webgpu's adapter where the package is installed, given a few seconds (a driver may hang). */
async function probeWebGpu(): Promise<{ adapter: string } | { error: string }> {
  let probe: () => Promise<{ adapter: string } | { error: string }>;
  try {
    ({ probeWebGpu: probe } = await import("@kerno/webgpu"));
  } catch {
    return { error: "@kerno/webgpu is not installed" };
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ error: string }>((resolve) => {
    timer = setTimeout(() => resolve({ error: "no answer from the WebGPU adapter within 5 s" }), 5000);
    timer.unref();
  });
  try {
    return await Promise.race([probe(), late]);
  } finally {
    clearTimeout(timer);
  }
}

const defaults: DoctorDeps = { profile: machineProfile, webgpu: probeWebGpu, out: (line) => console.log(line) };

/** Everything doctor knows, as one object (`--json` prints it). */
export async function doctorReport(measure: boolean, deps: Pick<DoctorDeps, "profile" | "webgpu"> = defaults) {
  let nativeAddon: { path: string; isa: string; threads: number; bf16: boolean } | { error: string };
  try {
    nativeAddon = { path: addonPath(), ...loadAddon().info() };
  } catch (err) {
    nativeAddon = { error: (err as Error).message };
  }
  let machine: ProfileResult | { error: string };
  try {
    machine = deps.profile({ remeasure: measure });
  } catch (err) {
    machine = { error: (err as Error).message };
  }
  return {
    activeBackend: getBackend(),
    backends: listBackends(),
    nativeAddon,
    machine,
    wasm: wasmFallback.why,
    webgpu: await deps.webgpu(),
    notes: backendNotes(),
    // reported without joining an MPI job (initDistributed would start one)
    distributed: distributedAvailable() ? { available: true, addon: mpiAddonPath() } : { available: false },
    node: { version: process.version, platform: process.platform, arch: process.arch },
  };
}

export async function runDoctor(argv: string[] = [], deps: DoctorDeps = defaults): Promise<number> {
  const { flags } = parse("doctor", argv);
  const r = await doctorReport(flags.measure === true, deps);
  const out = deps.out;
  if (flags.json) {
    out(JSON.stringify(r, null, 1));
    return 0;
  }
  out(`active backend: ${r.activeBackend}`);
  out(`registered backends: ${r.backends.join(", ")}`);
  const a = r.nativeAddon;
  out("error" in a ? `native addon: unavailable: ${a.error}` : `native addon: ${a.path} (SIMD ${a.isa}, ${a.threads} threads)`);
  const m = r.machine;
  if ("error" in m) out(`machine profile: unavailable: ${m.error}`);
  else {
    const how =
      m.source === "saved" ? `saved in ${m.path}; kerno doctor --measure measures it again` : `measured now (${m.why}), ${m.saveError ?? `saved in ${m.path}`}`;
    out(`machine profile (${how}):`);
    for (const line of describeProfile(m.profile)) out(`  ${line}`);
  }
  out(`WebAssembly kernels (@kerno/wasm): ${r.wasm}`);
  out("adapter" in r.webgpu ? `WebGPU (@kerno/webgpu): ${r.webgpu.adapter}` : `WebGPU (@kerno/webgpu): unavailable: ${r.webgpu.error}`);
  for (const note of r.notes) out(note);
  out(
    r.distributed.available
      ? `distributed training: available (${r.distributed.addon}; run under mpirun with --distributed)`
      : "distributed training: unavailable (kerno was built without MPI: apt-get install libopenmpi-dev openmpi-bin, then npm rebuild @kerno/node)",
  );
  out(`node ${r.node.version} on ${r.node.platform}-${r.node.arch}`);
  return 0;
}
