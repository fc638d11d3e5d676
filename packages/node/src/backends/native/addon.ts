/** The compiled addon (build/Release/kerno.node): its exports, and loading it once. */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { AddonKernels } from "@kerno/core/backends/compiled/addon.gen.js";

/** What the addon exports: its kernels (generated from the kernel table, src/backends/kernel-table/) and two facts about the CPU. */
export interface Addon extends AddonKernels {
  info(): { isa: string; threads: number; bf16: boolean };
  /** This CPU's measured multiply-add peak in GFLOPS on the active instruction set, all threads (about 0.2 s). */
  fmaPeak(): number;
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
