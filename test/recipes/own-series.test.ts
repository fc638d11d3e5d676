import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { startAfterLongestGap, timeColumn, trainOwnSeries } from "../../src/recipes/own-series.js";

const D = 86_400_000;

function dailyCsv(days: number, skip: (d: number) => boolean = () => false): string {
  const lines = ["store,day,sales"];
  for (let d = 0; d < days; d++) {
    if (skip(d)) continue;
    const day = new Date(Date.UTC(2022, 0, 3) + d * D).toISOString().slice(0, 10);
    lines.push(`north,${day},${(100 + 30 * Math.sin((2 * Math.PI * d) / 7) + ((d * 7919) % 13)).toFixed(1)}`);
  }
  const path = join(tempDir(), "sales.csv");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

test("a daily series: the time column found, weekly seasons, a week's forecast from two weeks, every model and baseline", async () => {
  const out = tempDir();
  const lines: string[] = [];
  const r = await trainOwnSeries(dailyCsv(200), { out, epochs: 3, flags: { column: "sales" }, log: (l) => lines.push(l) });
  assert.deepEqual([r.frequency, r.history, r.horizon], ["daily", 14, 7]);
  assert.match(lines[0], /'sales' by 'day', daily/);
  const names = (r.rows as { name: string }[]).map((row) => row.name);
  for (const n of ["lstm_natural", "dense", "persistence", "seasonal naive (7 d)", "Holt-Winters (7 d)"]) assert.ok(names.includes(n), n);
  assert.ok(names.some((n) => n.startsWith("SARIMA(1,0,1)(1,1,1)7")));
  assert.match(lines.join("\n"), /\| MAE sales \|/);
  assert.ok(existsSync(join(out, "lstm_natural.kerno")) && existsSync(join(out, "loss.svg")));
  const short = await trainOwnSeries(dailyCsv(200), { out: tempDir(), epochs: 1, flags: { column: "sales", history: "5", horizon: "2" }, log: () => {} });
  assert.deepEqual([short.history, short.horizon], [5, 2]);
});

test("bad series: no such column, no time column, an irregular step, a bad --horizon", async () => {
  const path = dailyCsv(60);
  const options = { out: tempDir(), epochs: 1, log: () => {} };
  await assert.rejects(trainOwnSeries(path, { ...options, flags: { column: "revenue" } }), /has no column 'revenue'; columns: store, day, sales/);
  await assert.rejects(trainOwnSeries(path, { ...options, flags: { column: "sales", time: "date" } }), /has no column 'date'/);
  const noTime = join(tempDir(), "n.csv");
  writeFileSync(noTime, "a,b\n1,2\n3,4\n");
  await assert.rejects(
    trainOwnSeries(noTime, { ...options, flags: { column: "b" } }),
    /no column of .* holds times in every row; name it with --time \(columns: a, b\)/,
  );
  const odd = join(tempDir(), "odd.csv");
  writeFileSync(odd, "t,v\n2024-01-01 00:00,1\n2024-01-01 01:00,2\n2024-01-01 02:00,3\n2024-01-01 02:30,4\n");
  await assert.rejects(
    trainOwnSeries(odd, { ...options, flags: { column: "v" } }),
    /no regular frequency: most steps are 1 hour, but 2024-01-01 02:00 is followed by 2024-01-01 02:30/,
  );
  await assert.rejects(trainOwnSeries(path, { ...options, flags: { column: "sales", horizon: "0" } }), /--horizon must be a positive integer, got '0'/);
});

test("the part after a long hole is kept when it holds most of the observations", () => {
  const times = [...Array.from({ length: 40 }, (_, i) => i * D), ...Array.from({ length: 60 }, (_, i) => (200 + i) * D)];
  assert.equal(startAfterLongestGap(times), true);
  assert.equal(startAfterLongestGap(Array.from({ length: 100 }, (_, i) => i * D)), false);
  assert.equal(timeColumn([{ id: "1", when: "2024-01-01" }], undefined, "x.csv"), "when");
});
