/**
 * The webgpu section (bench/webgpu/section.ts), no timing: which adapters count as a GPU, its rows
 * and table, and in Chromium (skipped without it) that with no GPU it reports a skip instead of
 * crashing, and that on SwiftShader (the software flag) one tiny MNIST row of each engine runs.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { serve } from "../../bench/browser/server.js";
import type { WebGpuRun } from "../../bench/rows.js";
import { webgpuBlock } from "../../bench/table.js";
import { launchFlags, launchWebGpu, probeAdapter, webgpuRows, webgpuSection } from "../../bench/webgpu/section.js";
import { type AdapterInfo, notAGpu, PROBE_SCRIPT } from "../../bench/webgpu/spec.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
const noChromium = CHROMIUM ? false : "no chromium (apt-get install chromium)";
const info = (a: Partial<AdapterInfo>): AdapterInfo => ({ vendor: "", architecture: "", device: "", description: "", isFallbackAdapter: false, ...a });

test("a GPU adapter is timed; no navigator.gpu, no adapter, SwiftShader, lavapipe or a fallback adapter is not", () => {
  assert.equal(notAGpu({ api: true, adapter: info({ vendor: "nvidia", architecture: "hopper" }) }), null);
  assert.equal(notAGpu({ api: true, adapter: info({ vendor: "apple", architecture: "metal-3" }) }), null);
  assert.match(notAGpu({ api: false, adapter: null }) ?? "", /no navigator\.gpu/);
  assert.match(notAGpu({ api: true, adapter: null, error: "boom" }) ?? "", /gave no adapter.*: boom/);
  assert.match(notAGpu({ api: true, adapter: info({ vendor: "google", architecture: "swiftshader" }) }) ?? "", /CPU renderer.*google swiftshader/);
  assert.match(notAGpu({ api: true, adapter: info({ vendor: "mesa", description: "llvmpipe (LLVM 15.0.6, 256 bits)" }) }) ?? "", /CPU renderer/);
  assert.match(notAGpu({ api: true, adapter: info({ vendor: "acme", isFallbackAdapter: true }) }) ?? "", /fallback \(software\) adapter/);
  assert.ok(PROBE_SCRIPT.includes("requestAdapter"));
});

test("Chromium's flags: WebGPU on, Vulkan on Linux, SwiftShader only when asked, extra flags last", () => {
  assert.deepEqual(launchFlags(false, "linux", ""), ["--enable-unsafe-webgpu", "--enable-features=Vulkan"]);
  assert.deepEqual(launchFlags(false, "darwin", ""), ["--enable-unsafe-webgpu"]);
  assert.deepEqual(launchFlags(true, "linux", " --use-angle=vulkan  --x "), [
    "--enable-unsafe-webgpu",
    "--enable-features=Vulkan",
    "--use-webgpu-adapter=swiftshader",
    "--use-angle=vulkan",
    "--x",
  ]);
});

test("the rows: kerno over TensorFlow.js, a failed side named, software rows marked as no timings", () => {
  const [mnist, vgg] = webgpuRows(
    { mnist: { kerno: { value: 3000 }, tfjs: { value: 2000 } }, vgg16: { kerno: { value: null, error: "webgpu: no conv" }, tfjs: { value: 40 } } },
    false,
  );
  assert.equal(mnist.ratioTfjs, 1.5);
  assert.equal(mnist.timing, true);
  assert.match(mnist.metric, /8,192 digits an epoch, batch 64/);
  assert.equal(vgg.ratioTfjs, null);
  assert.equal(vgg.kernoError, "webgpu: no conv");
  assert.match(vgg.metric, /batch 8 at 224x224/);
  const [tiny] = webgpuRows({ mnist: { kerno: { value: 1 }, tfjs: { value: 2 } } }, true);
  assert.equal(tiny.timing, false);
  const run: WebGpuRun = { browser: "Chromium 1", flags: ["--enable-unsafe-webgpu"], software: true, notes: ["n"], rows: [tiny, vgg] };
  const block = webgpuBlock(run);
  assert.match(block, /SOFTWARE ADAPTER.*no timings/);
  assert.match(block, /\| - \(failed: webgpu: no conv\) +\| 40\.0/);
  assert.equal(webgpuBlock({ skipped: "no GPU", notes: [], rows: [] }), "WebGPU section skipped: no GPU.");
});

test("without a GPU the section is skipped, saying why, not crashing", { skip: noChromium, timeout: 120_000 }, async (t) => {
  const server = await serve(new Map([["/probe.html", { type: "text/html", body: "<!doctype html>" }]]));
  const { browser } = await launchWebGpu(false);
  let reason: string | null;
  try {
    reason = notAGpu(await probeAdapter(browser, server.origin));
  } finally {
    await browser.close();
    await server.close();
  }
  if (reason === null) return t.skip("this machine has a GPU adapter: the section would time it (npm run bench webgpu)");
  const run = await webgpuSection(0, { software: false });
  t.diagnostic(`skipped: ${run.skipped}`);
  assert.equal(run.skipped, `${reason} (KERNO_BENCH_WEBGPU_SOFTWARE=1 runs the code path on SwiftShader with tiny sizes, no timings)`);
  assert.deepEqual(run.rows, []);
  assert.match(run.browser ?? "", /^Chromium \d+/);
});

test("with the software flag, one tiny MNIST row of each engine runs on SwiftShader", { skip: noChromium, timeout: 400_000 }, async (t) => {
  const run = await webgpuSection(0, { software: true, works: ["mnist"] });
  if (run.skipped?.startsWith("no MNIST digits")) return t.skip(run.skipped);
  assert.equal(run.skipped, undefined, run.skipped);
  assert.equal(run.software, true);
  assert.equal(run.adapter?.architecture, "swiftshader");
  assert.equal(run.rows.length, 1);
  const [row] = run.rows;
  assert.equal(row.timing, false);
  assert.equal(row.tfjsError, undefined);
  assert.ok((row.tfjsWebgpu ?? 0) > 0, `TensorFlow.js webgpu gave ${row.tfjsWebgpu}`);
  assert.equal(row.kernoError, undefined, row.kernoError);
  assert.ok((row.kernoWebgpu ?? 0) > 0, `kerno-webgpu gave ${row.kernoWebgpu}`);
});
