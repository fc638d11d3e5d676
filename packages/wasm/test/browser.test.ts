/**
 * @kerno/wasm in a real browser (Debian's chromium through playwright-core): @kerno/core, @kerno/wasm
 * and the conformance cases bundled by esbuild for the browser (node:assert/strict mapped to
 * browser/assert.ts), the module's files served from 127.0.0.1, and the page (browser/page.ts)
 * running every conformance case on the wasm backend, comparing a convolution's gradients with the
 * TypeScript backend's and training a small CNN, on the page and in a module worker. Twice: on a
 * plain page, where the backend runs on one thread and says so, and on a cross-origin isolated
 * one, where it runs on threads. Skips without chromium or without the built module, saying which.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { conformanceCases } from "../../core/test/helpers/kernel-conformance.js";
import { MAX_BROWSER_THREADS } from "../src/builds.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
const built = (name: string) => fileURLToPath(new URL(`../build/${name}`, import.meta.url));
const BUILT = ["kerno-kernels.mjs", "kerno-kernels.wasm", "kerno-kernels-threads.wasm", "kerno-kernels-threads-web.js", "kerno-kernels-threads-web.worker.js"];
const missing = BUILT.filter((name) => !existsSync(built(name)));
const skip = !CHROMIUM
  ? "no chromium (apt-get install chromium)"
  : missing.length > 0
    ? `the WebAssembly kernels are not built (no ${missing.join(", ")}: npm run build:wasm -w @kerno/wasm)`
    : false;

/** What page.ts leaves on window.kernoResult. */
interface PageResult {
  error?: string;
  backend: string;
  isolated: boolean;
  threads: number;
  cores: number;
  cases: number;
  failures: { kernel: string; error: string }[];
  difference: number;
  losses: number[];
  worker: { threads?: number; losses?: number[]; error?: string };
}

/** page.ts and worker.ts bundled: /app/page.mjs and /app/worker.mjs. */
async function bundlePage(): Promise<Record<string, string>> {
  const bundle = await build({
    entryPoints: ["page", "worker"].map((name) => fileURLToPath(new URL(`./browser/${name}.ts`, import.meta.url))),
    outdir: "/app",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "browser",
    format: "esm",
    conditions: ["kerno-source"],
    // only reached in Node (the module's bytes from disk)
    external: ["node:*"],
    plugins: [
      {
        name: "browser-assert",
        setup: (b) => b.onResolve({ filter: /^node:assert(\/strict)?$/ }, () => ({ path: fileURLToPath(new URL("./browser/assert.ts", import.meta.url)) })),
      },
    ],
    write: false,
    logLevel: "silent",
  });
  return Object.fromEntries(bundle.outputFiles.map((file) => [file.path, file.text]));
}

/** Serves the page and the module's files (with `headers` on every response), opens it in Chromium, and gives its result and console lines. */
async function inChromium(app: Record<string, string>, headers: Record<string, string>): Promise<{ result: PageResult; console: string[] }> {
  // the bundle at /app/, so that the loader's ../build/ finds the module's files at /build/
  const files: Record<string, [string, string | Buffer]> = {
    "/": ["text/html", '<!doctype html><script type="module" src="/app/page.mjs"></script>'],
  };
  for (const [path, text] of Object.entries(app)) files[path] = ["text/javascript", text];
  for (const name of BUILT) files[`/build/${name}`] = [name.endsWith(".wasm") ? "application/wasm" : "text/javascript", readFileSync(built(name))];
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://127.0.0.1").pathname];
    if (!file) return void res.writeHead(404, headers).end();
    res.writeHead(200, { ...headers, "content-type": file[0] }).end(file[1]);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const tab = await browser.newPage();
    const lines: string[] = [];
    tab.on("console", (message) => lines.push(message.text()));
    tab.on("pageerror", (error) => lines.push(`page error: ${error.message}`));
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await tab.waitForFunction(() => "kernoResult" in window, null, { timeout: 60000 });
    const result = (await tab.evaluate(() => (window as unknown as { kernoResult: Promise<unknown> }).kernoResult)) as PageResult;
    return { result, console: lines };
  } finally {
    await browser.close();
    server.close();
  }
}

/** What both pages must show: every conformance case passes, the gradients match, the CNN learns. */
function assertConforms({ result, console }: { result: PageResult; console: string[] }): void {
  assert.equal(result.error, undefined, `${result.error}\nconsole:\n${console.join("\n")}`);
  assert.equal(result.backend, "wasm");
  assert.equal(result.cases, Object.keys(conformanceCases).length, "the page ran every conformance case");
  assert.deepEqual(result.failures, [], result.failures.map((f) => `${f.kernel}: ${f.error}`).join("\n"));
  assert.ok(result.difference < 1e-4, `gradients differ by ${result.difference}`);
  assert.equal(result.losses.length, 5);
  assert.ok(result.losses.every(Number.isFinite) && result.losses[4] < result.losses[0], `losses ${result.losses.join(", ")}`);
  // in a module worker too, on as many threads as on the page
  const { worker } = result;
  assert.equal(worker.error, undefined, worker.error);
  assert.equal(worker.threads, result.threads, "the worker's threads");
  assert.ok(worker.losses?.every(Number.isFinite) && worker.losses[4] < worker.losses[0], `the worker's losses ${worker.losses?.join(", ")}`);
}

const app = skip ? {} : await bundlePage();
const ONE_THREAD_NOTICE = /the wasm backend runs on one thread: threads need a cross-origin isolated page/;

test("in Chromium, on a plain page, the wasm backend runs on one thread, says so, passes every conformance case and trains a CNN (in a worker too)", {
  skip,
}, async () => {
  const run = await inChromium(app, {});
  assertConforms(run);
  assert.equal(run.result.isolated, false);
  assert.equal(run.result.threads, 1);
  // once on the page, once in its worker
  assert.equal(run.console.filter((line) => ONE_THREAD_NOTICE.test(line)).length, 2, `console:\n${run.console.join("\n")}`);
});

test("in Chromium, on a cross-origin isolated page, the wasm backend runs on threads, passes every conformance case and trains a CNN (in a worker too)", {
  skip,
}, async () => {
  const run = await inChromium(app, { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" });
  assert.equal(run.result.isolated, true, "the page is cross-origin isolated");
  assertConforms(run);
  // every core up to the cap (one thread on a one-core machine, where no test of threads can be made)
  assert.equal(run.result.threads, Math.min(run.result.cores, MAX_BROWSER_THREADS), `${run.result.cores} cores`);
  if (run.result.cores > 1) assert.ok(run.result.threads > 1, `the kernels run on ${run.result.threads} thread(s)`);
  assert.deepEqual(
    run.console.filter((line) => /one thread/.test(line)),
    [],
    "no one-thread notice",
  );
});
