/**
 * @kerno/core runs without Node: every one of its modules bundles with esbuild for the browser,
 * with no Node built-in and no npm package pulled in. A `node:` import anywhere in it fails the
 * bundle, naming the file. (Node's globals, such as Buffer and process, are kept out by its build,
 * which compiles without Node's types: tsconfig.build.json.)
 */
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { tempDir } from "../helpers/tmp.js";

const src = fileURLToPath(new URL("../../src/", import.meta.url));

function coreModules(dir = ""): string[] {
  return readdirSync(join(src, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? coreModules(path) : entry.name.endsWith(".ts") ? [path] : [];
    })
    .sort();
}

test("every module of @kerno/core bundles for the browser with no Node built-in and no npm package", async () => {
  const modules = coreModules();
  assert.ok(modules.length > 50, `found ${modules.length} core modules`);
  const dir = tempDir("kerno-core-bundle-");
  const entry = join(dir, "entry.ts");
  writeFileSync(entry, modules.map((m, i) => `export * as m${i} from ${JSON.stringify(join(src, m))};`).join("\n"));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
  }).catch((err: { errors?: { text: string; location?: { file: string } | null }[] }) => {
    const errors = (err.errors ?? []).map((e) => `${e.location?.file ?? "?"}: ${e.text}`);
    assert.fail(`the core does not bundle for the browser:\n${errors.join("\n")}`);
  });
  const inputs = Object.keys(result.metafile.inputs).map((f) => relative(process.cwd(), f));
  assert.deepEqual(
    inputs.filter((f) => f.includes("node_modules")),
    [],
    "the core pulls in no npm package",
  );
  assert.ok(result.outputFiles[0].contents.length > 0);
});
