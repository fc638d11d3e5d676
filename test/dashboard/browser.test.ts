/**
 * The dashboard in a real browser (Debian's chromium through playwright-core): a run appears and
 * its curve gains points while it trains; a finished run shows its graph, confusion matrix and
 * per-class report; two runs overlay. KERNO_SCREENSHOT=path also saves the page (docs/images/dashboard.png, in docs/runs.md).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import { classificationReport } from "@kerno/core/training/classification-report.js";
import { chromium } from "playwright-core";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { startDashboard } from "../../src/dashboard/server.js";
import { Dense, Input, RunHistory, Sequential, tensor } from "../../src/index.js";
import { saveConfusion } from "../../src/recipes/confusion-chart.js";
import { endRun, startRun } from "../../src/runs/runs.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function model() {
  const m = new Sequential([Input({ shape: [2] }), new Dense({ units: 8, activation: "relu" }), new Dense({ units: 2, activation: "softmax" })], {
    name: "toy",
  });
  m.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  return m;
}
const x = tensor(
  Float32Array.from({ length: 64 }, (_, i) => ((i * 37) % 17) / 17),
  [32, 2],
);
const y = tensor(
  Int32Array.from({ length: 32 }, (_, i) => i % 2),
  [32],
  "int32",
);

test("the dashboard in Chromium: live curves, a finished run's graph, confusion matrix and report", {
  skip: CHROMIUM ? false : "no chromium (apt-get install chromium)",
}, async () => {
  const root = tempDir();
  // a finished classifier run
  const finished = startRun(root, "finished", {});
  await model().fit(x, y, { epochs: 4, verbose: 0, validationData: [x, y], callbacks: [new RunHistory(finished)] });
  const report = classificationReport([0, 1, 1, 0], [0, 1, 0, 0], ["cats", "dogs"]);
  await saveConfusion(report.confusion, ["cats", "dogs"], join(finished, "confusion"));
  endRun(finished, { report: { report } });
  const { server, url } = await startDashboard({ runsDir: root, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(url);
    // a run that trains while the page is open: it appears, and its curve gains points
    const live = startRun(root, "live", {});
    const training = model().fit(x, y, { epochs: 12, verbose: 0, validationData: [x, y], callbacks: [{ onEpochEnd: () => sleep(700) }, new RunHistory(live)] });
    const row = page.locator(`tr[data-run="${basename(live)}"]`);
    await row.waitFor({ timeout: 15000 });
    await row.click();
    await page.waitForFunction(() => Number(document.getElementById("charts")?.dataset.points ?? 0) >= 1, null, { timeout: 15000 });
    const before = Number(await page.locator("#charts").getAttribute("data-points"));
    await page.waitForFunction((n) => Number(document.getElementById("charts")?.dataset.points ?? 0) > n, before, { timeout: 15000 });
    assert.ok(Number(await page.locator("#charts").getAttribute("data-points")) > before, "the curve gained points while training");
    await training;
    endRun(live, { report: {} });
    // the finished run: graph and confusion matrix render, the report lists the classes
    await page.locator(`tr[data-run="${basename(finished)}"]`).click();
    await page.locator("#class-report tbody tr").first().waitFor();
    assert.equal(await page.locator("#class-report tbody tr").count(), 2);
    for (const name of ["model.svg", "confusion.png"]) {
      const img = page.locator(`#pictures img[alt="${name}"]`);
      await img.waitFor();
      await page.waitForFunction((n) => {
        const el = document.querySelector(`#pictures img[alt="${n}"]`) as HTMLImageElement | null;
        return !!el && el.complete && el.naturalWidth > 0;
      }, name);
    }
    // overlay the live run
    await page.selectOption("#compare", basename(live));
    await page.waitForFunction(() => document.querySelectorAll("#charts .u-legend .u-series").length > 3);
    assert.ok((await page.locator(".chart").count()) >= 2, "loss and accuracy charts");
    await page.screenshot({ path: process.env.KERNO_SCREENSHOT ?? join(tempDir(), "dashboard.png"), fullPage: true });
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
});
