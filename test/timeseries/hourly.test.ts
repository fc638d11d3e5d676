import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { calendar, loadHourlyCsv, parseTime, toHourly } from "../../src/timeseries/hourly.js";

const H = 3_600_000;

test("duplicates dropped, short gaps interpolated, long gaps left missing, start after the longest gap", () => {
  const t0 = parseTime("2020-01-01 00:00:00");
  const pts: [number, number][] = [
    [t0, 1],
    [t0, 1],
    [t0 + H, 2],
    [t0 + 4 * H, 5],
    [t0 + 20 * H, 7],
    [t0 + 21 * H, 8],
  ];
  const s = toHourly(pts, 3, false);
  assert.equal(s.values.length, 22);
  assert.deepEqual(Array.from(s.values.subarray(0, 5)), [1, 2, 3, 4, 5]);
  assert.ok(Number.isNaN(s.values[10]));
  assert.deepEqual(s.report, { rows: 6, duplicates: 1, interpolated: 2, missing: 15, droppedBefore: null });
  const after = toHourly(pts, 3, true);
  assert.equal(after.values.length, 2);
  assert.equal(after.report.droppedBefore, "2020-01-01 20:00");
  const cal = calendar(Float64Array.of(parseTime("2024-01-01 13:00")));
  assert.deepEqual([cal.hour[0], cal.weekday[0]], [13, 0]);
});

test("CSV loading names bad files, columns and values", () => {
  const dir = tempDir();
  const good = join(dir, "s.csv");
  writeFileSync(good, "when,count,label\n2020-01-01 00:00,5,a\n2020-01-01 01:00,6,b\n");
  assert.equal(loadHourlyCsv(good, { time: "when", column: "count" }).values.length, 2);
  assert.throws(() => loadHourlyCsv(good, { time: "when", column: "cars" }), /has no column 'cars'; columns: when, count, label/);
  assert.throws(() => loadHourlyCsv(good, { time: "when", column: "label" }), /row 2: column 'label' is not numeric \('a'\)/);
  assert.throws(() => loadHourlyCsv(join(dir, "none.csv"), { time: "when", column: "count" }), /cannot read .*none.csv \(ENOENT\)/);
});
