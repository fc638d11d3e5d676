/**
 * `kerno playground`'s page on the webgpu backend, in Chromium whose WebGPU runs on SwiftShader (a
 * CPU Vulkan: right for correctness, meaningless for speed): `await kerno.setBackend("webgpu")`,
 * one epoch of the course's MNIST CNN (batch 64, RMSprop, seed 1) on the first 4,096 training
 * digits reaches 85% on the 1,000 test digits, within 3 points of the same run on the wasm
 * backend; the inspection panels (which read results synchronously) still work.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { chromium, type Page } from "playwright-core";
import { DATA_DIR } from "../../packages/node/test/helpers/data.js";
import { WEBGPU_CHROMIUM_ARGS } from "../../packages/webgpu/test/chromium.js";
import { startPlayground } from "../../src/playground/server.js";
import { CHROMIUM, PLAYGROUND_SKIP } from "./skip.js";

const skip = PLAYGROUND_SKIP;

type Kerno = { setBackend(name: string): Promise<string>; getBackend(): string };

/** Trains one epoch on 4,096 digits on `backend` through the page's controls; gives the test accuracy. */
async function trainOn(page: Page, backend: string): Promise<{ accuracy: number; described: string }> {
  const described = await page.evaluate(async (name) => (window as unknown as { kerno: Kerno }).kerno.setBackend(name), backend);
  await page.selectOption("#count", "4096");
  await page.fill("#epochs", "1");
  await page.click("#train");
  await page.waitForSelector("body[data-state=trained]", { timeout: 600_000 });
  const accuracy = Number(await page.getAttribute("#train-status", "data-accuracy"));
  // the next run waits for this one's state to change
  await page.evaluate(() => (document.body.dataset.state = "ready"));
  return { accuracy, described };
}

test("the playground on webgpu (Chromium, SwiftShader): one epoch on 4,096 digits reaches 85%, within 3 points of wasm", {
  skip,
  timeout: 900_000,
}, async () => {
  const { server, url } = await startPlayground({ dataDir: DATA_DIR, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGPU_CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url.replace(/:\d+\/$/, `:${(server.address() as AddressInfo).port}/`));
    await page.waitForSelector("body[data-state=ready]", { timeout: 60_000 });
    const gpu = await trainOn(page, "webgpu");
    assert.match(gpu.described, /^WebGPU kernels on /);
    assert.equal(await page.evaluate(() => (window as unknown as { kerno: Kerno }).kerno.getBackend()), "webgpu");
    // the panels that read results at once ran on a CPU backend beside it
    assert.equal(await page.locator("#maps canvas").count(), 32, "the first layer's 32 feature maps");
    const wasm = await trainOn(page, "wasm");
    console.log(`one epoch on 4,096 digits: ${(100 * gpu.accuracy).toFixed(1)}% on webgpu, ${(100 * wasm.accuracy).toFixed(1)}% on wasm`);
    assert.ok(gpu.accuracy >= 0.85, `webgpu: test accuracy ${gpu.accuracy} (want >= 0.85)`);
    assert.ok(Math.abs(gpu.accuracy - wasm.accuracy) <= 0.03, `webgpu ${gpu.accuracy} vs wasm ${wasm.accuracy}: more than 3 points apart`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
