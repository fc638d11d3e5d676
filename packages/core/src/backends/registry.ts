/**
 * Which backend runs the kernels. `KERNO_BACKEND` picks one at startup; otherwise the
 * highest-priority backend that loads wins (native over js), and a fallback is announced once.
 */

import { jsKernels } from "./js/index.js";
import type { Kernels } from "./kernels.js";

interface Entry {
  name: string;
  priority: number;
  load: () => Kernels;
}

const entries = new Map<string, Entry>();
const loaded = new Map<string, Kernels>();
let active: Kernels | null = null;
let explicitlySet = false;
const fallbackNotes: string[] = [];

export function registerBackend(name: string, load: () => Kernels, priority = 0): void {
  entries.set(name, { name, priority, load });
  // a later, better backend replaces a default chosen before it was registered
  if (active && !explicitlySet && priority > (entries.get(active.name)?.priority ?? 0)) active = null;
}

registerBackend("js", () => jsKernels, 1);

function load(name: string): Kernels {
  const cached = loaded.get(name);
  if (cached) return cached;
  const entry = entries.get(name);
  if (!entry) throw new Error(`setBackend: unknown backend '${name}'; available: ${[...entries.keys()].join(", ")}`);
  const kernels = entry.load();
  loaded.set(name, kernels);
  return kernels;
}

function envBackend(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.KERNO_BACKEND;
  return v && v.trim() !== "" ? v.trim() : undefined;
}

function chooseDefault(): Kernels {
  const wanted = envBackend();
  if (wanted) {
    explicitlySet = true;
    return load(wanted);
  }
  const ranked = [...entries.values()].sort((a, b) => b.priority - a.priority);
  for (const e of ranked) {
    try {
      return load(e.name);
    } catch (err) {
      const note = `kerno: backend '${e.name}' unavailable (${(err as Error).message}); falling back`;
      fallbackNotes.push(note);
      console.warn(note);
    }
  }
  return jsKernels;
}

/** The active kernels (the hot path of every op). */
export function backend(): Kernels {
  active ??= chooseDefault();
  return active;
}

/** Switches backends; throws with the reason if the backend cannot load. */
export function setBackend(name: string): void {
  active = load(name);
  explicitlySet = true;
}

export function getBackend(): string {
  return backend().name;
}

export function listBackends(): string[] {
  return [...entries.keys()];
}

/** Why a preferred backend was skipped, for `kerno doctor`. */
export function backendNotes(): readonly string[] {
  return fallbackNotes;
}

/** Runs fn with `name` active, restoring the previous backend afterwards (tests and benchmarks). */
export function withBackend<T>(name: string, fn: () => T): T {
  const prev = backend();
  active = load(name);
  try {
    return fn();
  } finally {
    active = prev;
  }
}
