/** What every `kerno train <recipe>` shares: options, the result (and its --json form), saving. */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { getBackend } from "@kerno/core/backends/registry.js";
// every recipe saves its models: the Node side's file, .keras and ONNX writers (src/models/writers.ts)
import "@kerno/node/interop/model-writers.js";
import type { Model } from "@kerno/core/models/model.js";
import type { Callback, Logs } from "@kerno/core/training/callbacks.js";
import { RunHistory } from "../runs/run-history.js";

export interface RecipeOptions {
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Folder for the saved model and plots (default ./out/<recipe>; kerno train: the run folder). */
  out?: string;
  /** The run folder (src/runs) that the main fit writes its summary and history into (runFolder gives its callback). */
  runDir?: string;
  verbose?: 0 | 1 | 2;
  /** Recipe-specific flags from the command line (--csv, --target, ...). */
  flags?: Record<string, string | boolean>;
  log?: (line: string) => void;
  /** Data-parallel training over MPI (under mpirun): only recipes with `distributed: true` take it. */
  distributed?: boolean;
}

export interface RecipeResult {
  recipe: string;
  backend: string;
  epochs: number;
  wallSeconds: number;
  train: Logs;
  validation: Logs;
  test?: Logs;
  modelPath: string;
  [extra: string]: unknown;
}

export interface Recipe {
  name: string;
  description: string;
  /** The model the recipe trains, untrained (for kerno summary and plot-model). */
  model(): Model | Promise<Model>;
  run(options: RecipeOptions): Promise<RecipeResult>;
  /** Whether run() honours options.distributed. */
  distributed?: boolean;
}

/**
 * The run folder's callback for the main fit, to give last among its callbacks (so that it records
 * what the others add to the logs); none without a run folder.
 */
export function runFolder(options: RecipeOptions): Callback[] {
  return options.runDir ? [new RunHistory(options.runDir)] : [];
}

/** The final epoch's training and validation values, split by the val_ prefix. */
export function lastEpoch(history: Record<string, number[]>): { train: Logs; validation: Logs } {
  const train: Logs = {},
    validation: Logs = {};
  for (const [k, v] of Object.entries(history)) {
    if (k === "learning_rate") continue;
    if (k.startsWith("val_")) validation[k.slice(4)] = v[v.length - 1];
    else train[k] = v[v.length - 1];
  }
  return { train, validation };
}

export function outputDir(recipe: string, out?: string): string {
  const dir = resolve(out ?? join("out", recipe));
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function baseResult(recipe: string, epochs: number, started: number): Pick<RecipeResult, "recipe" | "backend" | "epochs" | "wallSeconds"> {
  return { recipe, backend: getBackend(), epochs, wallSeconds: (performance.now() - started) / 1000 };
}
