import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { currentBlock, END, START, TABLE_PAGE, withBlock } from "../../bench/readme.js";
import { latestRun, type SavedRun, saveRun } from "../../bench/results.js";
import { best, makeRows, type Row, ratioOf } from "../../bench/rows.js";
import { formatTable, readmeBlock } from "../../bench/table.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";

const row = (over: Partial<Row>): Row => ({
  workload: "mnist-cnn",
  metric: "training (fit)",
  unit: "images/s",
  higherIsBetter: true,
  kernoNative: 3000,
  kernoJs: 100,
  pytorch: 2000,
  ratio: 1.5,
  ...over,
});

test("ratios point the same way for rates and times; best picks across thread counts", () => {
  assert.equal(ratioOf(3000, 2000, true), 1.5);
  assert.equal(ratioOf(80, 120, false), 1.5, "a shorter time is better");
  assert.equal(ratioOf(null, 1, true), null);
  const runs = [[{ metric: "m", value: 5, peakRssMb: 1 }], [{ metric: "m", value: 7, peakRssMb: 1 }]];
  assert.deepEqual(best(runs, "m", true), { value: 7, index: 1 });
  assert.deepEqual(best(runs, "m", false), { value: 5, index: 0 });
  assert.deepEqual(best(runs, "other", true), { value: null, index: -1 });
});

test("a side that measured nothing (no data: the worker skipped) has no peak RSS, not its idle worker's", () => {
  const skipped = [{ metric: "5 epochs, wall", value: null, peakRssMb: 105 }];
  const rows = makeRows("course-mnist-cnn", {
    native: skipped,
    js: skipped,
    torch: [[{ metric: "5 epochs, wall", value: 70, peakRssMb: 763 }]],
    torchThreads: [2],
    onnx: [],
  });
  const rss = rows.find((r) => r.metric === "peak RSS")!;
  assert.deepEqual([rss.kernoNative, rss.kernoJs, rss.pytorch, rss.ratio], [null, null, 763, null]);
});

test("the table shows ONNX Runtime columns only when a row has them", () => {
  const plain = formatTable([row({})]);
  assert.match(plain, /\| mnist-cnn \| training \(fit\) \| images\/s \| 3,000 +\| 100 +\| 2,000 +\| 1\.50x \|/);
  assert.doesNotMatch(plain, /onnx/);
  const withOrt = formatTable([row({ metric: "inference, batch 1024", onnxRuntime: 24000, ratioOnnx: 0.125 }), row({})]);
  assert.match(withOrt, /onnx runtime \| ratio vs onnx/);
  assert.match(withOrt, /24,000 +\| 0\.13x/);
  assert.match(formatTable([row({ unit: "s", metric: "5 epochs, wall", kernoNative: 71.23, pytorch: 80 })]), /71\.2/);
});

test("a saved run round-trips and becomes the block between the markers of docs/performance.md", () => {
  const dir = tempDir();
  const run: SavedRun = {
    date: "2026-12-01T10:00:00.000Z",
    machine: { cpu: "Test CPU", cores: 2, isa: "avx512", node: "v20", pytorch: "1.13", onnxRuntime: "1.30", loadStart: 0.12, loadEnd: 1.5 },
    seconds: 3,
    policy: "Distinct batches on both sides.",
    rows: [row({})],
  };
  saveRun({ ...run, date: "2026-11-30T10:00:00.000Z" }, dir);
  saveRun(run, dir);
  const latest = latestRun(dir)!;
  assert.equal(latest.run.date, run.date, "the newest file wins");
  const block = readmeBlock(latest.run, latest.file);
  assert.match(block, /Test CPU, 2 cores, kerno's avx512 path, Node v20, PyTorch 1\.13, ONNX Runtime 1\.30; load average 0\.12 at the start/);
  const page = `# x\n${START}\nold table\n${END}\nafter\n`;
  const next = withBlock(page, block);
  assert.ok(next.includes(block) && !next.includes("old table") && next.endsWith(`${END}\nafter\n`));
  assert.equal(currentBlock(next), block, "currentBlock reads back what withBlock wrote");
  assert.equal(currentBlock("no markers"), null);
  assert.throws(() => withBlock("no markers", block), /needs the markers/);
  assert.equal(latestRun(`${dir}/none`), null);
});

test("docs/performance.md holds the newest saved run's table (npm run bench:readme), and the README no table", () => {
  const latest = latestRun();
  assert.ok(latest, "a saved run under bench/results/");
  assert.equal(
    currentBlock(readFileSync(TABLE_PAGE, "utf8")),
    readmeBlock(latest.run, latest.file),
    `docs/performance.md is not the table of ${latest.file}: run npm run bench:readme`,
  );
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  assert.ok(!readme.includes(START) && !readme.includes(END), "the benchmark table lives in docs/performance.md, not in README.md");
});
