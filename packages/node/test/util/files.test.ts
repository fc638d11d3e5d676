import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { writeAtomic } from "../../src/util/files.js";

test("writeAtomic replaces a file whole (text or bytes) and leaves nothing behind when it fails", () => {
  const dir = tempDir();
  const path = join(dir, "report.json");
  writeFileSync(path, "old");
  writeAtomic(path, '{"new":true}');
  assert.equal(readFileSync(path, "utf8"), '{"new":true}');
  writeAtomic(path, Uint8Array.of(1, 2, 3));
  assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
  // a directory where the file should go: the rename fails, the temporary file is removed
  mkdirSync(join(dir, "taken"));
  writeFileSync(join(dir, "taken", "x"), "keep");
  assert.throws(() => writeAtomic(join(dir, "taken"), "data"));
  assert.deepEqual(readdirSync(dir).sort(), ["report.json", "taken"]);
  assert.throws(() => writeAtomic(join(dir, "missing", "f.txt"), "x"), /ENOENT/);
});
