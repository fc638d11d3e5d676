import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { chartSvg, saveChart } from "../../src/util/charts.js";

test("line charts render to SVG with their title, axes and series, and to PNG beside it", async () => {
  const chart = {
    title: "Loss",
    xTitle: "epoch",
    yTitle: "MSE",
    logY: true,
    series: [
      { name: "train", x: [1, 2, 3], y: [1, 0.5, 0.25] },
      { name: "validation", x: [1, 2, 3], y: [1.2, 0.7, NaN], dashed: true },
    ],
  };
  const svg = await chartSvg(chart);
  assert.match(svg, /^<svg/);
  for (const text of ["Loss", "epoch", "MSE", "train", "validation"]) assert.ok(svg.includes(text), text);
  const dir = tempDir();
  const written = await saveChart(chart, join(dir, "loss.svg"), { png: true });
  assert.deepEqual(written, [join(dir, "loss.svg"), join(dir, "loss.png")]);
  assert.ok(existsSync(written[1]) && readFileSync(written[1]).subarray(1, 4).toString() === "PNG");
});
