import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { link, tempDir } from "../../packages/core/test/helpers/tmp.js";
import { summarizeColumns, summarizeText } from "../../src/runs/history-summary.js";
import { endRun, LIST_HISTORY_BYTES, listRuns, readHistory, runEntry, runsRoot, startRun } from "../../src/runs/runs.js";

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

test("a damaged or hostile run never hides the others: huge history, dangling link, links out, a FIFO, a file where a folder goes", (t) => {
  const root = tempDir();
  const outside = tempDir();
  writeFileSync(join(outside, "history.csv"), "epoch,val_loss\n0,0.123\n");
  const good = startRun(root, "good", {});
  const big = startRun(root, "big", {});
  // 125k rows: spreading them into Math.max overflowed the stack
  const rows = Array.from({ length: 125_000 }, (_, i) => `${i},${(i % 1000) / 1000}`);
  writeFileSync(join(big, "history.csv"), `epoch,val_accuracy\n${rows.join("\n")}\n`);
  writeFileSync(join(root, "notes.txt"), "not a run");
  const leaky = startRun(root, "leaky", {});
  const links = [
    link(join(root, "nowhere"), join(root, "dangling")),
    link(outside, join(root, "linked-out")),
    link(join(outside, "history.csv"), join(leaky, "history.csv")),
  ];
  if (!links.every(Boolean)) t.diagnostic("symlinks cannot be made here: the link cases are skipped");
  // a FIFO where history.csv goes would block a plain read forever (with no writer)
  const piped = startRun(root, "piped", {});
  const fifo = spawnSync("mkfifo", [join(piped, "history.csv")]).status === 0;
  const runs = listRuns(root);
  assert.deepEqual(runs.map((r) => r.name).sort(), ["big", "good", "leaky", "piped"]);
  if (fifo) assert.equal(runs.find((r) => r.dir === piped)!.epochs, 0);
  assert.deepEqual(runs.find((r) => r.dir === big)!.best, { metric: "val_accuracy", value: 0.999 });
  assert.equal(runs.find((r) => r.dir === big)!.epochs, 125_000);
  if (links[2]) assert.equal(runs.find((r) => r.dir === leaky)!.best, null, "a history.csv linked from outside is not read");
  assert.ok(runs.find((r) => r.dir === good));
  // a folder deleted between listing and reading: its entry still comes back, without throwing
  const gone = join(root, "gone");
  assert.equal(runEntry(gone).name, "gone");
});

test("the list reads an unchanged history once and a changed one again; a history too big to list is listed with a note", () => {
  const root = tempDir();
  const dir = startRun(root, "cached", {});
  const history = join(dir, "history.csv");
  writeFileSync(history, "epoch,val_loss\n0,0.5\n1,0.25\n");
  const first = listRuns(root)[0];
  assert.deepEqual([first.epochs, first.best], [2, { metric: "val_loss", value: 0.25 }]);
  // the very object of the first listing: the unchanged history was not read again
  assert.equal(listRuns(root)[0].best, first.best);
  assert.ok(Object.isFrozen(first.best), "shared between listings, so frozen");
  appendFileSync(history, "2,0.125\n");
  const grown = listRuns(root)[0];
  assert.notEqual(grown.best, first.best);
  assert.deepEqual([grown.epochs, grown.best], [3, { metric: "val_loss", value: 0.125 }]);
  // rewritten at the same size in place: the new mtime says so
  writeFileSync(history, "epoch,val_loss\n0,0.5\n1,0.75\n2,0.625\n");
  utimesSync(history, 1_000_000, 1_000_000);
  assert.deepEqual(listRuns(root)[0].best, { metric: "val_loss", value: 0.5 });
  // past the list's cap (a sparse file: no disk): listed, with a note, and not read
  const big = startRun(root, "big", {});
  writeFileSync(join(big, "history.csv"), "epoch,val_loss\n0,0.5\n");
  truncateSync(join(big, "history.csv"), LIST_HISTORY_BYTES + 1);
  const listed = listRuns(root).find((r) => r.dir === big)!;
  assert.match(listed.note ?? "", /^history\.csv is 8\.0 MB, over the 8 MB the runs list reads; open the run/);
  assert.deepEqual([listed.name, listed.epochs, listed.best], ["big", 0, null]);
  assert.equal(listRuns(root).find((r) => r.dir === dir)!.note, undefined, "a run under the cap has no note");
  // the single-run view passes the history it read whole
  assert.deepEqual(runEntry(big, { epoch: [0, 1], val_loss: [0.5, 0.4] }).best, { metric: "val_loss", value: 0.4 });
});

test("the list's one-pass summary counts what readHistory reads: torn lines, bad cells, a name twice, CRLF", () => {
  const dir = tempDir();
  let seed = 7;
  const pick = <T>(xs: T[]) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return xs[(seed >>> 16) % xs.length];
  };
  const names = ["epoch", "loss", "val_loss", "val_accuracy", "val_top5", "lr", "epoch"];
  const cells = ["1", "0.5", "-2", "", "abc", "1e3", "Infinity", " 3", "0x10", "4\r", "-0", "0"];
  for (let k = 0; k < 300; k++) {
    const header = Array.from({ length: pick([0, 1, 2, 3, 4]) }, () => pick(names));
    const rows = Array.from({ length: pick([0, 1, 3, 8]) }, () => Array.from({ length: header.length + pick([0, 0, 0, -1, 1]) }, () => pick(cells)).join(","));
    const text = [header.join(","), ...rows].join("\n") + pick(["", "\n", "\n\n", "\n3,"]);
    writeFileSync(join(dir, "history.csv"), text);
    assert.deepEqual(summarizeText(text), summarizeColumns(readHistory(join(dir, "history.csv"))), JSON.stringify(text));
  }
});
