/**
 * @kerno/wasm in a real browser (Debian's chromium through playwright-core): @kerno/core, @kerno/wasm
 * and the conformance cases bundled by esbuild for the browser (node:assert/strict mapped to
 * core/test/helpers/browser-assert.ts), the module's files served from 127.0.0.1, and the page (browser/page.ts)
 * running every conformance case on the wasm backend, comparing a convolution's gradients with the
 * TypeScript backend's and training a small CNN, on the page and in a module worker. Twice: on a
 * plain page, where the backend runs on one thread and says so, and on a cross-origin isolated
 * one, where it runs on threads. Skips without chromium or without the built module, saying which.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { bundleForBrowser, CHROMIUM, inChromium, NO_CHROMIUM, type ServedFiles } from "../../core/test/helpers/browser-bundle.js";
import { conformanceCases } from "../../core/test/helpers/kernel-conformance.js";
import { MAX_BROWSER_THREADS } from "../src/builds.js";

const built = (name: string) => fileURLToPath(new URL(`../build/${name}`, import.meta.url));
const BUILT = ["kerno-kernels.mjs", "kerno-kernels.wasm", "kerno-kernels-threads.wasm", "kerno-kernels-threads-web.js", "kerno-kernels-threads-web.worker.js"];
const missing = BUILT.filter((name) => !existsSync(built(name)));
const skip = !CHROMIUM
  ? NO_CHROMIUM
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
const bundlePage = (): Promise<Record<string, string>> =>
  bundleForBrowser(
    ["page", "worker"].map((name) => fileURLToPath(new URL(`./browser/${name}.ts`, import.meta.url))),
    "/app",
  );

/** Serves the page and the module's files (with `headers` on every response), opens it in Chromium, and gives its result and console lines. */
function inPage(app: Record<string, string>, headers: Record<string, string>): Promise<{ result: PageResult; console: string[] }> {
  // the bundle at /app/, so that the loader's ../build/ finds the module's files at /build/
  const files: ServedFiles = {
    "/": ["text/html", '<!doctype html><script type="module" src="/app/page.mjs"></script>'],
  };
  for (const [path, text] of Object.entries(app)) files[path] = ["text/javascript", text];
  for (const name of BUILT) files[`/build/${name}`] = [name.endsWith(".wasm") ? "application/wasm" : "text/javascript", readFileSync(built(name))];
  return inChromium<PageResult>(files, { args: ["--no-sandbox"], headers });
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
  const run = await inPage(app, {});
  assertConforms(run);
  assert.equal(run.result.isolated, false);
  assert.equal(run.result.threads, 1);
  // once on the page, once in its worker
  assert.equal(run.console.filter((line) => ONE_THREAD_NOTICE.test(line)).length, 2, `console:\n${run.console.join("\n")}`);
});

test("in Chromium, on a cross-origin isolated page, the wasm backend runs on threads, passes every conformance case and trains a CNN (in a worker too)", {
  skip,
}, async () => {
  const run = await inPage(app, { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" });
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
