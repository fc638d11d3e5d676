import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { checkoutDataDir } from "../../scripts/data-dir.mjs";

test("the data folder: KERNO_DATA_DIR when set, else ../shared/datasets only when it exists", () => {
  assert.equal(checkoutDataDir({ KERNO_DATA_DIR: "/some/where" }), "/some/where");
  const fallback = checkoutDataDir({ KERNO_DATA_DIR: "  " });
  assert.ok(fallback === undefined || fallback.endsWith(join("shared", "datasets")), String(fallback));
  assert.equal(checkoutDataDir({}), fallback);
});

test("no test resolves the data folder on its own: all go through test/helpers/data.ts", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
    });
  // a test that reads KERNO_DATA_DIR with a default of its own disagrees with the library and the CLI
  // children it spawns (a fresh clone failed on a download that way); the cache's own tests excepted
  const mine = [join("helpers", "data.ts"), join("data", "cache.test.ts"), join("scripts", "data-dir.test.ts")];
  const own = files("test").filter((f) => !mine.some((m) => f.endsWith(m)) && /KERNO_DATA_DIR \?\?|shared\/datasets|dataDir\(\)/.test(readFileSync(f, "utf8")));
  assert.deepEqual(own, []);
});
