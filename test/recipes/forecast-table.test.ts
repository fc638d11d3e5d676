import assert from "node:assert/strict";
import { test } from "node:test";
import { formatForecastTable } from "../../src/recipes/forecast-table.js";

test("the forecast table: aligned markdown, parameters and epochs shown only for networks", () => {
  const table = formatForecastTable([
    { name: "lstm_natural", parameters: 1496, mse: 0.0117, mae: 0.07, mseVph: 210000, maeVph: 460.4, maeVphAtSarimaOrigins: 470, seconds: 31.2, epochs: 80 },
    { name: "persistence", parameters: 0, mse: 0.05, mae: 0.16, mseVph: 900000, maeVph: 1012, maeVphAtSarimaOrigins: 990, seconds: 0.01 },
  ]);
  const lines = table.split("\n");
  assert.equal(lines.length, 4);
  assert.ok(
    lines.every((l) => l.length === lines[0].length),
    "columns line up",
  );
  assert.match(lines[2], /\| lstm_natural +\| 1,496 +\| 1\.170e-2 +\| 0\.0700 +\| 210,000 +\| 460 +\| 470 +\| 80 +\| 31\.2 +\|/);
  assert.match(lines[3], /\| persistence +\| - +\|.*\| - +\| 0\.0 +\|/);
});
