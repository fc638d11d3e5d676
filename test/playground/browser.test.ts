/**
 * `kerno playground`'s page in a real browser (Debian's chromium through playwright-core): the page
 * is cross-origin isolated and puts the library on window.kerno; `await kerno.setBackend("wasm")`;
 * one epoch of the course's MNIST CNN (batch 64, RMSprop) on the first 8,192 training digits
 * reaches 90% on 1,000 test digits; a digit drawn with the mouse is predicted; the saved model
 * loads in Node and scores the same there; the feature maps and a one-pixel attack show.
 * KERNO_SCREENSHOT=path also saves the page (docs/images/playground.png, on the README).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { DATA_DIR } from "../../packages/node/test/helpers/data.js";
import { loadModel } from "../../src/index.js";
import { startPlayground } from "../../src/playground/server.js";
import { mnistDenseModel } from "../../src/recipes/mnist-models.js";
import { CHROMIUM, PLAYGROUND_SKIP } from "./skip.js";

const skip = PLAYGROUND_SKIP;

type Kerno = { setBackend(name: string): Promise<string>; getBackend(): string; Sequential: unknown };

test("the playground in Chromium: isolated, window.kerno on wasm, one epoch to 90%, a drawn digit, save to Node, look inside, attack", { skip }, async () => {
  const { server, url } = await startPlayground({ dataDir: DATA_DIR, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url.replace(/:\d+\/$/, `:${(server.address() as AddressInfo).port}/`));
    await page.waitForSelector("body[data-state=ready]", { timeout: 60_000 });
    const setup = await page.evaluate(async () => {
      const kerno = (window as unknown as { kerno: Kerno }).kerno;
      const described = await kerno.setBackend("wasm");
      return { isolated: crossOriginIsolated, backend: kerno.getBackend(), described, sequential: typeof kerno.Sequential };
    });
    assert.deepEqual({ ...setup, described: undefined }, { isolated: true, backend: "wasm", described: undefined, sequential: "function" });
    assert.match(setup.described, /^WebAssembly kernels, \d+ threads?/);

    await page.selectOption("#count", "8192");
    await page.fill("#epochs", "1");
    await page.click("#train");
    await page.waitForSelector("body[data-state=trained]", { timeout: 300_000 });
    const accuracy = Number(await page.getAttribute("#train-status", "data-accuracy"));
    assert.ok(accuracy >= 0.9, `test accuracy ${accuracy} after one epoch on 8,192 digits (want >= 0.9)`);
    assert.ok((await page.locator("#digits .digit").count()) > 0);
    assert.equal(await page.locator("#maps canvas").count(), 32, "the first layer's 32 feature maps");
    assert.equal(await page.locator("#filters canvas").count(), 32, "the first layer's 32 filters");

    // a "1": one stroke down the middle of the pad
    const pad = (await page.locator("#pad").boundingBox())!;
    await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.15);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * (0.15 + 0.07 * i));
    await page.mouse.up();
    await page.waitForSelector("#bars[data-predicted]");
    assert.equal(await page.getAttribute("#bars", "data-predicted"), "1");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
    const saved = await download.path();
    const model = await loadModel(saved);
    assert.deepEqual(model.inputs[0].shape, [null, 28, 28, 1]);
    assert.ok(readFileSync(saved).length > 100_000, "the weights and the optimizer's slots");

    // loading: a model for other inputs is refused, naming the file, and leaves the page as it was; the saved one loads back
    const dense = mnistDenseModel();
    const densePath = join(tempDir("kerno-playground-load"), "dense.kerno");
    await dense.save(densePath);
    await page.setInputFiles("#load", densePath);
    await page.waitForFunction(() => document.getElementById("message")?.textContent?.startsWith("error"));
    assert.match((await page.textContent("#message"))!, /the file 'dense\.kerno': its model takes \[28,28\], this page shows 28x28 digits/);
    assert.equal(await page.locator("#maps canvas").count(), 32);
    await page.setInputFiles("#load", saved);
    await page.waitForFunction(() => document.getElementById("message")?.textContent?.startsWith("loaded"));

    await page.selectOption("#attack-pixels", "5");
    await page.click("#attack");
    await page.waitForSelector("#attack-status[data-success]", { timeout: 120_000 });
    assert.equal(await page.locator("#attack-after canvas").count(), 1);
    if (process.env.KERNO_SCREENSHOT) await page.screenshot({ path: process.env.KERNO_SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
