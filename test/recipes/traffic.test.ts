import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { formatForecastTable, trafficForecast } from "../../src/recipes/traffic.js";

const dir = tempDir();

/** 40 days of hourly 'traffic': a daily and weekly pattern plus noise, with a duplicate row and gaps. */
function writeSeries(path: string): void {
  const lines = ["time,volume"];
  const t0 = Date.UTC(2021, 0, 4);
  for (let h = 0; h < 24 * 40; h++) {
    if (h >= 500 && h < 502) continue; // a 2-hour gap: interpolated
    if (h >= 700 && h < 710) continue; // a 10-hour gap: no window crosses it
    const day = Math.floor(h / 24) % 7;
    const v = 1000 + 800 * Math.sin((2 * Math.PI * (h % 24)) / 24) * (day < 5 ? 1 : 0.5) + ((h * 7919) % 97);
    const stamp = new Date(t0 + h * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
    lines.push(`${stamp},${v.toFixed(0)}`);
    if (h === 100) lines.push(`${stamp},${v.toFixed(0)}`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
}

test("traffic-forecast on a generated series: every model and baseline, plots, models", async () => {
  const csv = join(dir, "series.csv");
  writeSeries(csv);
  const logs: string[] = [];
  const result = await trafficForecast.run({
    epochs: 3,
    seed: 1,
    out: join(dir, "out"),
    log: (s) => logs.push(s),
    flags: { csv, time: "time", column: "volume", "sarima-origins": "2", patience: "2" },
  });
  const rows = result.rows as { name: string; parameters: number; mse: number; maeVph: number; seconds: number }[];
  assert.deepEqual(
    rows.slice(0, 5).map((r) => [r.name, r.parameters]),
    [
      ["dense", 520],
      ["simple_rnn_course", 776],
      ["lstm_course", 1880],
      ["simple_rnn_natural", 696],
      ["lstm_natural", 1560],
    ],
  );
  assert.ok(rows.some((r) => r.name === "seasonal naive (168 h)"));
  assert.ok(rows.some((r) => r.name.startsWith("SARIMA")));
  for (const r of rows) assert.ok(Number.isFinite(r.mse) && Number.isFinite(r.maeVph), r.name);
  assert.match(logs.join("\n"), /1 duplicate timestamps dropped, .* 2 interpolated \(gaps <= 3 h\), 10 missing/);
  for (const p of result.plots as string[]) assert.ok(existsSync(p), p);
  assert.ok(existsSync(join(dir, "out", "lstm_natural.kerno")));
  assert.match(formatForecastTable(rows as never), /\| dense +\| 520 +\|/);
});

test("bad series input is a clear error", async () => {
  const short = join(dir, "short.csv");
  writeFileSync(short, "time,volume\n2021-01-01 00:00,1\n2021-01-01 01:00,2\n");
  await assert.rejects(
    trafficForecast.run({ log: () => {}, flags: { csv: short, time: "time", column: "volume" } }),
    /the series has 2 steps, fewer than history \+ horizon = 30/,
  );
  await assert.rejects(trafficForecast.run({ log: () => {}, flags: { csv: short, time: "time", column: "cars" } }), /has no column 'cars'/);
  await assert.rejects(trafficForecast.run({ log: () => {}, flags: { csv: short } }), /--csv needs --time <column> and --column <column>/);
});
