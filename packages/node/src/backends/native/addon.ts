/** The compiled addon (build/Release/kerno.node): its exports, and loading it once. */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { AddonKernels } from "@kerno/core/backends/compiled/addon.gen.js";

/** What CPUID and the C library say about the CPU (native/cpu.h): -1 and "" where unknown. */
export interface AddonCpu {
  vendor: string;
  brand: string;
  family: number;
  model: number;
  stepping: number;
  l1dBytes: number;
  l2Bytes: number;
  l3Bytes: number;
}

/** What the addon exports: its kernels (generated from the kernel table, src/backends/kernel-table/) and facts about the CPU. */
export interface Addon extends AddonKernels {
  info(): { isa: string; threads: number; bf16: boolean; amx?: boolean };
  /**
   * This CPU's measured multiply-add peak in GFLOPS on the active instruction set (best of 5 rounds,
   * about 0.2 s): on every pool thread at once, or with `threads` 1 on the calling thread alone.
   */
  fmaPeak(threads?: number): number;
  /** Absent from addons built before it (rebuild with `npm rebuild @kerno/node`). */
  cpu?(): AddonCpu;
}

/** Where node-gyp puts the addon, from src/backends/native or dist/backends/native. */
export function addonPath(): string {
  return fileURLToPath(new URL("../../../build/Release/kerno.node", import.meta.url));
}

let addon: Addon | null = null;

export function loadAddon(): Addon {
  if (addon) return addon;
  const path = addonPath();
  if (!existsSync(path))
    throw new Error(
      `the native addon was not built (${path} is missing; run 'npm rebuild @kerno/node' or 'npx node-gyp rebuild' in packages/node and see its errors)`,
    );
  addon = createRequire(import.meta.url)(path) as Addon;
  return addon;
}
