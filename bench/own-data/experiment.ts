/**
 * Variations of `kerno train --images` on one folder: each variant overrides part of the plan
 * (src/recipes/own-image-plan.ts ImagePlan) or adds CLI flags, trains with the same seed and prints
 * one JSON line: test (or validation) accuracy, the last and best training accuracy, epochs, time.
 *
 *   node --conditions=kerno-source --import tsx bench/own-data/experiment.ts /tmp/own-data/shapes original gmax gmax-adam ...
 *   node --conditions=kerno-source --import tsx bench/own-data/experiment.ts /tmp/own-data/shapes --list
 */
import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import "@kerno/node/backends/native/index.js";
import { getBackend } from "@kerno/core/backends/registry.js";
import { type ImagePlan, originalPlan } from "../../src/recipes/own-image-plan.js";
import { trainOwnImages } from "../../src/recipes/own-images.js";

/** Every result is also appended here, with the plan. */
const LOG = process.env.OWN_EXPERIMENTS ?? "/tmp/own-runs/experiments.jsonl";

type Variant = { rule?: "original"; plan?: Partial<ImagePlan>; flags?: Record<string, string | boolean>; epochs?: number };
const noAug = { augment: null };
const light = { augment: { flip: true, rotation: 0.05, zoom: 0.1, translation: 0 } };
const flipOnly = { augment: { flip: true, rotation: 0, zoom: 0, translation: 0 } };
const rms = { optimizer: "rmsprop" as const, learningRate: 0.001 };

/** Variants: "original*" start from the rule before issue 26, the others from the current rule (imagePlan). */
export const VARIANTS: Record<string, Variant> = {
  original: { rule: "original" },
  "original-no-augment": { rule: "original", plan: noAug },
  "original-patience30": { rule: "original", plan: { patience: 30 } },
  "original-adam": { rule: "original", plan: { optimizer: "adam" } },
  "original-dropout0": { rule: "original", plan: { dropout: 0 } },
  "original-4blocks-same": { rule: "original", plan: { padding: "same", blocks: 4 } },
  "original-gmax": { rule: "original", plan: { head: "global-max" } },
  new: {},
  "new-rms": { plan: rms },
  "new-flip": { plan: flipOnly },
  "new-light": { plan: light },
  "new-noaug": { plan: noAug },
  "new-d0": { plan: { dropout: 0 } },
  "new-d02": { plan: { dropout: 0.2 } },
  "new-flatten": { plan: { head: "flatten" } },
  "new-gavg": { plan: { head: "global-average" } },
  "new-bn": { plan: { batchNorm: true } },
  "new-min0": { plan: { minEpochs: 0 } },
  "new-flip-d0-128": { plan: { ...flipOnly, dropout: 0, maxFilters: 128 } },
  "pytorch-like": { plan: { ...flipOnly, maxFilters: 128, dropout: 0, minEpochs: 59, blocks: 4 } },
};

async function main(argv: string[]): Promise<void> {
  const [dir, ...names] = argv;
  if (!dir || names.includes("--list")) {
    console.log(Object.keys(VARIANTS).join("\n"));
    return;
  }
  for (const spec of names) {
    // NAME or NAME+key=value,...: a plan field (numbers parsed), epochs=N, augment=F|none, or --flag=value (e.g. --size=64, --seed=2)
    const [name, extra] = spec.split("+");
    if (!VARIANTS[name]) throw new Error(`unknown variant ${name}; --list`);
    const v = { ...VARIANTS[name] };
    const plan: Record<string, unknown> = { ...v.plan };
    const flags: Record<string, string | boolean> = { ...v.flags };
    for (const kv of (extra ?? "").split(",").filter(Boolean)) {
      const [k, val] = kv.split("=");
      if (k.startsWith("--")) flags[k.slice(2)] = val ?? true;
      else if (k === "epochs") v.epochs = Number(val);
      else if (k === "augment") plan.augment = val === "none" ? null : { flip: true, rotation: Number(val), zoom: 2 * Number(val), translation: 0 };
      else plan[k] = Number.isNaN(Number(val)) ? val : Number(val);
    }
    const started = performance.now();
    const out = mkdtempSync(join(tmpdir(), "own-exp-"));
    const r = await trainOwnImages(
      dir,
      { out, verbose: 0, flags, epochs: v.epochs, seed: Number(flags.seed ?? 1), log: () => {} },
      { rule: v.rule === "original" ? originalPlan : undefined, plan: plan as Partial<ImagePlan> },
    );
    const history = (r.history ?? {}) as Record<string, number[]>;
    const train = r.train as Record<string, number>;
    const line = {
      folder: basename(dir),
      backend: getBackend(),
      variant: spec,
      on: r.evaluatedOn,
      accuracy: Number((r.accuracy as number).toFixed(4)),
      trainAccuracyLast: Number(train.accuracy.toFixed(4)),
      bestEpoch: r.bestEpoch,
      epochs: r.epochs,
      size: (r.imageSize as number[]).join("x"),
      seconds: Math.round((performance.now() - started) / 1000),
      out,
    };
    void history;
    console.log(JSON.stringify(line));
    appendFileSync(LOG, `${JSON.stringify({ ...line, plan: r.plan })}\n`);
  }
}

await main(process.argv.slice(2));
