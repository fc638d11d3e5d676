import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadModel } from "@kerno/node/interop/load-model.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { forecastFromCsv, forecastPlanBeside } from "../../src/recipes/forecast-predict.js";
import { trainOwnSeries } from "../../src/recipes/own-series.js";

const D = 86_400_000;

test("a series run leaves forecast-plan.json; kerno predict forecasts the next steps of a new CSV, with their dates", async () => {
  const dir = tempDir();
  const csv = join(dir, "sales.csv");
  const value = (d: number) => 100 + 30 * Math.sin((2 * Math.PI * d) / 7);
  writeFileSync(
    csv,
    `day,sales\n${Array.from({ length: 150 }, (_, d) => `${new Date(Date.UTC(2023, 0, 2) + d * D).toISOString().slice(0, 10)},${value(d).toFixed(2)}`).join("\n")}\n`,
  );
  const out = join(dir, "out");
  // seeded: an unlucky 30-epoch start could overshoot the plausible range below
  await trainOwnSeries(csv, { out, epochs: 30, seed: 1, flags: { column: "sales", "time-features": true }, log: () => {} });
  const file = join(out, "dense.kerno");
  const plan = forecastPlanBeside(file)!;
  assert.deepEqual([plan.column, plan.time, plan.history, plan.horizon, plan.timeFeatures], ["sales", "day", 14, 7, true]);
  const forecast = forecastFromCsv(await loadModel(file), plan, csv);
  assert.deepEqual(
    forecast.map((p) => p.time.slice(0, 10)),
    ["2023-06-01", "2023-06-02", "2023-06-03", "2023-06-04", "2023-06-05", "2023-06-06", "2023-06-07"],
  );
  for (const p of forecast) assert.ok(p.value > 40 && p.value < 160, `${p.time}: ${p.value}`);
  const natural = forecastFromCsv(await loadModel(join(out, "lstm_natural.kerno")), plan, csv);
  assert.equal(natural.length, 7);
  const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
  const r = spawnSync(process.execPath, [bin, "predict", file, csv], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sales\.csv: next 7 steps of sales: 2023-06-01 00:00 \d/);
  const short = join(dir, "short.csv");
  writeFileSync(short, "day,sales\n2023-01-01,1\n2023-01-02,2\n2023-01-03,3\n");
  assert.throws(() => forecastFromCsv({} as never, plan, short), /forecasts from the last 14 steps; .*short\.csv has 3 usable rows/);
});
