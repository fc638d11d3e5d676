/**
 * The workspace's layers: @kerno/core below @kerno/node below the toolkit (src/), a package
 * reaching another only through its name (`@kerno/core/...`), never up; no import cycle between
 * the top-level folders of any package (every reference counted, `import type` too: a type from a
 * higher layer is a way back up) and none between files at run time. The graph is scripts/import-graph.ts's;
 * `node --import tsx scripts/import-cycles.ts` prints it.
 */
import assert from "node:assert/strict";
import { posix } from "node:path";
import { test } from "node:test";
import {
  type Edge,
  importCycles,
  importEdges,
  moduleReferences,
  PACKAGE_SOURCES,
  packageOf,
  readSources,
  repositoryRoot,
  type Sources,
} from "../../scripts/import-graph.js";

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
  assert.deepEqual(importCycles(made, undefined, { runTimeOnly: true }).files, [["src/training/evaluate.ts", "src/training/fit.ts"]]);
});

test("no import cycle between the top-level folders of any package", () => {
  for (const pkg of PACKAGE_SOURCES) assert.ok([...sources.keys()].filter((f) => packageOf(f) === pkg).length > 2, `read the files of ${pkg}`);
  const { folders, crossing } = importCycles(sources);
  assert.deepEqual(folders, [], `folders in a cycle:\n${folders.map((c) => `  ${c.join(" <-> ")}`).join("\n")}\nthrough:\n${show(crossing)}`);
});

test("no import cycle between files at run time (type-only imports make none)", () => {
  const { files } = importCycles(sources, undefined, { runTimeOnly: true });
  assert.deepEqual(files, [], `files in a run-time cycle:\n${files.map((c) => `  ${c.join(", ")}`).join("\n")}`);
});

test("packages import only packages below them (core <- node <- toolkit), and only by name", () => {
  const rank = (f: string) => PACKAGE_SOURCES.indexOf(packageOf(f) as (typeof PACKAGE_SOURCES)[number]);
  const upward = importEdges(sources).filter((e) => rank(e.to) > rank(e.from));
  assert.deepEqual(upward, [], `a package reaches up:\n${show(upward)}`);
  const byPath = [...sources].flatMap(([from, text]) =>
    moduleReferences(from, text)
      .filter((r) => r.specifier.startsWith(".") && packageOf(posix.join(posix.dirname(from), r.specifier)) !== packageOf(from))
      .map((r) => `  ${from}: "${r.specifier}"`),
  );
  assert.deepEqual(byPath, [], `relative paths into another package (use @kerno/core/... or @kerno/node/...):\n${byPath.join("\n")}`);
});

test("a package's tests import nothing of a higher package (they run with it alone: npm test in its folder)", () => {
  // scripts/: the workspace's generators, whose stale-file checks the packages' tests run
  const allowed: Record<string, string[]> = {
    "packages/core": ["packages/core/", "scripts/"],
    "packages/node": ["packages/core/", "packages/node/", "scripts/"],
    "packages/wasm": ["packages/core/", "packages/wasm/", "scripts/"],
  };
  const names: Record<string, string[]> = {
    "packages/core": ["@kerno/core"],
    "packages/node": ["@kerno/core", "@kerno/node"],
    "packages/wasm": ["@kerno/core", "@kerno/wasm"],
  };
  const wrong: string[] = [];
  for (const pkg of Object.keys(allowed)) {
    for (const [from, text] of readSources(repositoryRoot, `${pkg}/test`)) {
      for (const { specifier } of moduleReferences(from, text)) {
        const target = specifier.startsWith(".") ? posix.join(posix.dirname(from), specifier) : null;
        const bad = target
          ? !allowed[pkg].some((a) => target.startsWith(a))
          : /^(@kerno\/|kerno$|kerno\/)/.test(specifier) && !names[pkg].some((n) => specifier === n || specifier.startsWith(`${n}/`));
        if (bad) wrong.push(`  ${from}: "${specifier}"`);
      }
    }
  }
  assert.deepEqual(wrong, [], `tests reaching a higher package:\n${wrong.join("\n")}`);
});
