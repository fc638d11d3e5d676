/**
 * No import cycle in src/: none between its top-level folders (every reference counted, `import
 * type` too, since the folders are to become packages), none between files at run time, and the
 * core never imports the Node side or the toolkit. The graph is scripts/import-graph.ts's;
 * `node --import tsx scripts/import-cycles.ts` prints it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Edge, importCycles, importEdges, readSources, repositoryRoot, type Sources, topFolder } from "../../scripts/import-graph.js";

const sources = readSources(repositoryRoot);
const show = (edges: Edge[]) => edges.map((e) => `  ${e.from} -> ${e.to}${e.kind === "value" ? "" : ` (${e.kind})`}`).join("\n");

test("the graph sees every kind of reference: a folder cycle made by a type import, a file cycle by a dynamic one", () => {
  const made: Sources = new Map([
    ["src/models/model.ts", 'import { saveKeras } from "../interop/keras-save.js";\nexport class Model {}'],
    ["src/interop/keras-save.ts", 'import type { Model } from "../models/model.js";\nexport async function saveKeras(m: Model) {}'],
    ["src/training/fit.ts", 'export { evaluate } from "./evaluate.js";'],
    ["src/training/evaluate.ts", 'export const evaluate = async () => (await import("./fit.js")).x;'],
  ]);
  const { folders, files } = importCycles(made);
  assert.deepEqual(folders, [["src/interop", "src/models"]]);
  assert.deepEqual(files, [
    ["src/interop/keras-save.ts", "src/models/model.ts"],
    ["src/training/evaluate.ts", "src/training/fit.ts"],
  ]);
  assert.deepEqual(importCycles(made, "src", { runTimeOnly: true }).files, [["src/training/evaluate.ts", "src/training/fit.ts"]]);
});

test("no import cycle between the top-level folders of src/", () => {
  assert.ok(sources.size > 100, `read ${sources.size} files from src/`);
  const { folders, crossing } = importCycles(sources);
  assert.deepEqual(folders, [], `folders in a cycle:\n${folders.map((c) => `  ${c.join(" <-> ")}`).join("\n")}\nthrough:\n${show(crossing)}`);
});

test("no import cycle between files at run time (type-only imports make none)", () => {
  const { files } = importCycles(sources, "src", { runTimeOnly: true });
  assert.deepEqual(files, [], `files in a run-time cycle:\n${files.map((c) => `  ${c.join(", ")}`).join("\n")}`);
});

/** The core (to become @kerno/core) and what it must never import: the Node side (the native backend, interop, MPI) and the toolkit. */
test("the core never imports the Node side or the toolkit", () => {
  const core = new Set(["tensor", "autodiff", "ops", "layers", "models", "training", "backends"].map((f) => `src/${f}`));
  const above = new Set(
    ["interop", "distributed", "runs", "cli", "recipes", "dashboard", "serving", "applications", "interpret", "attacks", "hierarchical", "timeseries"].map(
      (f) => `src/${f}`,
    ),
  );
  const native = (f: string) => f.startsWith("src/backends/native/");
  const wrong = importEdges(sources).filter(
    (e) => core.has(topFolder(e.from)) && !native(e.from) && (above.has(topFolder(e.to)) || native(e.to) || e.to === "src/index.ts"),
  );
  assert.deepEqual(wrong, [], `the core reaches up:\n${show(wrong)}`);
});
