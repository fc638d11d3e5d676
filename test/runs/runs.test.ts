import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { endRun, listRuns, readHistory, runEntry, runsRoot, startRun } from "../../src/runs/runs.js";
import { tempDir } from "../helpers/tmp.js";

test("a run's folder from start to finish or failure, listed newest first with its best validation value", () => {
  const root = tempDir();
  const a = startRun(root, "mnist cnn", { options: { epochs: 2 } });
  assert.match(a, /\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-mnist_cnn$/);
  const config = JSON.parse(readFileSync(join(a, "config.json"), "utf8"));
  assert.match(config.versions.kerno, /^\d+\.\d+\.\d+/);
  assert.deepEqual(config.options, { epochs: 2 });
  writeFileSync(join(a, "history.csv"), "epoch,loss,val_accuracy,val_loss\n0,0.5,0.91,0.3\n1,0.4,0.95,0.35\n");
  assert.equal(listRuns(root)[0].status, "running");
  endRun(a, { report: { test: { accuracy: 0.99 } } });
  const b = startRun(root, "mnist cnn", {});
  assert.notEqual(a, b, "same second, new folder");
  endRun(b, { error: new Error("out of memory") });
  const runs = listRuns(root);
  const byDir = new Map(runs.map((r) => [r.dir, r]));
  assert.equal(byDir.get(a)!.status, "finished");
  assert.deepEqual(byDir.get(a)!.best, { metric: "val_accuracy", value: 0.95 });
  assert.equal(byDir.get(a)!.epochs, 2);
  assert.equal(byDir.get(b)!.status, "failed");
  assert.equal(runsRoot("x/y").endsWith(join("x", "y")), true);
});

test("a run whose process died while running is killed; damaged or missing files still list", () => {
  const root = tempDir();
  const dir = startRun(root, "traffic", {});
  const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
  writeFileSync(join(dir, "status.json"), JSON.stringify({ status: "running", pid: dead, started: new Date().toISOString() }));
  writeFileSync(join(dir, "history.csv"), "epoch,loss,val_loss\n0,1,0.9\n1,0.8,0.7\n2,0.7,");
  appendFileSync(join(dir, "config.json"), "garbage");
  mkdirSync(join(root, "empty-folder"));
  const runs = listRuns(root);
  const killed = runs.find((r) => r.dir === dir)!;
  assert.equal(killed.status, "killed");
  assert.equal(killed.epochs, 2, "the torn last line is left out");
  assert.equal(runs.find((r) => r.name === "empty-folder")!.status, "killed");
  assert.deepEqual(readHistory(join(dir, "history.csv")).val_loss, [0.9, 0.7]);
  assert.deepEqual(listRuns(join(root, "nowhere")), []);
});

test("a damaged or hostile run never hides the others: huge history, dangling link, links out, a FIFO, a file where a folder goes", () => {
  const root = tempDir();
  const outside = tempDir();
  writeFileSync(join(outside, "history.csv"), "epoch,val_loss\n0,0.123\n");
  const good = startRun(root, "good", {});
  const big = startRun(root, "big", {});
  // 125k rows: spreading them into Math.max overflowed the stack
  const rows = Array.from({ length: 125_000 }, (_, i) => `${i},${(i % 1000) / 1000}`);
  writeFileSync(join(big, "history.csv"), `epoch,val_accuracy\n${rows.join("\n")}\n`);
  symlinkSync(join(root, "nowhere"), join(root, "dangling"));
  symlinkSync(outside, join(root, "linked-out"));
  writeFileSync(join(root, "notes.txt"), "not a run");
  const leaky = startRun(root, "leaky", {});
  symlinkSync(join(outside, "history.csv"), join(leaky, "history.csv"));
  // a FIFO where history.csv goes would block a plain read forever (with no writer)
  const piped = startRun(root, "piped", {});
  const fifo = spawnSync("mkfifo", [join(piped, "history.csv")]).status === 0;
  const runs = listRuns(root);
  assert.deepEqual(runs.map((r) => r.name).sort(), ["big", "good", "leaky", "piped"]);
  if (fifo) assert.equal(runs.find((r) => r.dir === piped)!.epochs, 0);
  assert.deepEqual(runs.find((r) => r.dir === big)!.best, { metric: "val_accuracy", value: 0.999 });
  assert.equal(runs.find((r) => r.dir === big)!.epochs, 125_000);
  assert.equal(runs.find((r) => r.dir === leaky)!.best, null, "a history.csv linked from outside is not read");
  assert.ok(runs.find((r) => r.dir === good));
  // a folder deleted between listing and reading: its entry still comes back, without throwing
  const gone = join(root, "gone");
  assert.equal(runEntry(gone).name, "gone");
});
