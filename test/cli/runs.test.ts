import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { endRun, startRun } from "../../src/runs/runs.js";

const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));

test("kerno runs prints the runs as a table, or JSON, or says there are none", () => {
  const root = tempDir();
  const none = spawnSync(process.execPath, [bin, "runs", "--runs", join(root, "empty")], { encoding: "utf8" });
  assert.match(none.stdout, /no runs in .*empty/);
  const dir = startRun(root, "house-prices", {});
  writeFileSync(join(dir, "history.csv"), "epoch,loss,val_loss\n0,2,1.5\n1,1,1.25\n");
  endRun(dir, { report: {} });
  const table = spawnSync(process.execPath, [bin, "runs", "--runs", root], { encoding: "utf8" });
  assert.match(table.stdout, /house-prices\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+finished\s+2\s+val_loss 1\.250\s+\d+ s/);
  const list = JSON.parse(spawnSync(process.execPath, [bin, "runs", "--runs", root, "--json"], { encoding: "utf8" }).stdout);
  assert.equal(list[0].epochs, 2);
});
