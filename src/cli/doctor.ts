/** `kerno doctor`: which backend runs, with what SIMD path and threads, and why another was skipped. */

import { backendNotes, getBackend, listBackends } from "@kerno/core/backends/registry.js";
import { addonPath, loadAddon } from "@kerno/node/backends/native/index.js";
import { distributedAvailable, mpiAddonPath } from "@kerno/node/distributed/mpi.js";
import { wasmFallback } from "../wasm-fallback.js";
import { parse } from "./args.js";

export function runDoctor(argv: string[] = []): number {
  parse("doctor", argv);
  const active = getBackend();
  console.log(`active backend: ${active}`);
  console.log(`registered backends: ${listBackends().join(", ")}`);
  try {
    const info = loadAddon().info();
    console.log(`native addon: ${addonPath()} (SIMD ${info.isa}, ${info.threads} threads)`);
  } catch (err) {
    console.log(`native addon: unavailable: ${(err as Error).message}`);
  }
  console.log(`WebAssembly kernels (@kerno/wasm): ${wasmFallback.why}`);
  for (const note of backendNotes()) console.log(note);
  // reported without joining an MPI job (initDistributed would start one)
  console.log(
    distributedAvailable()
      ? `distributed training: available (${mpiAddonPath()}; run under mpirun with --distributed)`
      : "distributed training: unavailable (kerno was built without MPI: apt-get install libopenmpi-dev openmpi-bin, then npm rebuild @kerno/node)",
  );
  console.log(`node ${process.version} on ${process.platform}-${process.arch}`);
  return 0;
}
