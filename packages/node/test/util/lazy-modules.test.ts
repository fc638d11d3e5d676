import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { dagreLib, sharpLib } from "../../src/util/lazy-modules.js";

const src = fileURLToPath(new URL("../../src/", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

test("no source file imports sharp, vega, dagre, protobufjs or h5wasm at load time (only types)", () => {
  const heavy = /^import\s+(?!type\b)[^;]*from\s+"(sharp|vega|vega-lite|@dagrejs\/dagre|protobufjs|h5wasm[^"]*)"/m;
  for (const file of sources(src)) assert.doesNotMatch(readFileSync(file, "utf8"), heavy, file);
});

test("importing @kerno/node loads none of them; using an image or a plot loads what it needs", () => {
  const script = `
    import { createRequire } from "node:module";
    const require = createRequire(import.meta.url);
    const loaded = () => [...new Set(Object.keys(require.cache).filter((k) => /node_modules\\/(sharp|@dagrejs|protobufjs)\\//.test(k)).map((k) => k.split("node_modules/")[1].split("/")[0]))].sort();
    const node = await import(${JSON.stringify(join(src, "index.ts"))});
    const core = await import("@kerno/core");
    console.log(JSON.stringify(loaded()));
    node.toSvg(new core.Sequential([core.Input({ shape: [2] }), new core.Dense({ units: 1 })]));
    console.log(JSON.stringify(loaded()));`;
  const r = spawnSync(process.execPath, ["--conditions=kerno-source", "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const [before, after] = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(before, []);
  assert.deepEqual(after, ["@dagrejs"]);
  assert.equal(typeof sharpLib(), "function");
  assert.equal(typeof dagreLib().layout, "function");
});

test("sharp loads with libvips' operation cache off (each file is decoded once per pass)", () => {
  const stats = sharpLib().cache();
  assert.equal(stats.memory.max, 0, JSON.stringify(stats));
  assert.equal(stats.items.max, 0, JSON.stringify(stats));
});
