/**
 * @kerno/wasm in a real browser (Debian's chromium through playwright-core): @kerno/core and
 * @kerno/wasm bundled by esbuild for the browser, the module's files served from 127.0.0.1, and
 * the page (browser/page.ts) comparing the wasm kernels with the TypeScript ones and training a
 * small CNN on them. Skips without chromium or without the built module, saying which.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
const built = (name: string) => fileURLToPath(new URL(`../build/${name}`, import.meta.url));
const skip = !CHROMIUM
  ? "no chromium (apt-get install chromium)"
  : !existsSync(built("kerno-kernels.wasm"))
    ? "the WebAssembly kernels are not built (npm run build:wasm -w @kerno/wasm)"
    : false;

test("in Chromium, the wasm backend matches the TypeScript one on a convolution's gradients and trains a CNN", { skip }, async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./browser/page.ts", import.meta.url))],
    bundle: true,
    platform: "browser",
    format: "esm",
    conditions: ["kerno-source"],
    // only reached in Node (the module's bytes from disk)
    external: ["node:*"],
    write: false,
    logLevel: "silent",
  });
  // the bundle at /app/, so that the loader's ../build/ finds the module's files at /build/
  const files: Record<string, [string, string | Buffer]> = {
    "/": ["text/html", '<!doctype html><script type="module" src="/app/page.mjs"></script>'],
    "/app/page.mjs": ["text/javascript", bundle.outputFiles[0].text],
    "/build/kerno-kernels.mjs": ["text/javascript", readFileSync(built("kerno-kernels.mjs"))],
    "/build/kerno-kernels.wasm": ["application/wasm", readFileSync(built("kerno-kernels.wasm"))],
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://127.0.0.1").pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": file[0] }).end(file[1]);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => "kernoResult" in window, null, { timeout: 30000 });
    const result = (await page.evaluate(() => (window as unknown as { kernoResult: Promise<unknown> }).kernoResult)) as {
      error?: string;
      backend: string;
      difference: number;
      losses: number[];
    };
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.backend, "wasm");
    assert.ok(result.difference < 1e-4, `gradients differ by ${result.difference}`);
    assert.equal(result.losses.length, 5);
    assert.ok(result.losses.every(Number.isFinite) && result.losses[4] < result.losses[0], `losses ${result.losses.join(", ")}`);
  } finally {
    await browser.close();
    server.close();
  }
});
