import assert from "node:assert/strict";
import { test } from "node:test";
import { kernoCnn } from "../../bench/browser/kerno-cnn.js";
import { bestOf, browserRows, type PageResults } from "../../bench/browser/section.js";
import { answer, ISOLATION_HEADERS, type Served } from "../../bench/browser/server.js";
import { accuracy } from "../../bench/browser/spec.js";
import { browserBlock } from "../../bench/table.js";
import { mnistCnnModel } from "../../src/recipes/mnist-models.js";

const HOST = "127.0.0.1:8123";
const files = new Map<string, Served>([["/app/page.mjs", { type: "text/javascript", body: "export {}" }]]);

test("the browser section's server answers only its own Host, GET and its files, isolated unless told otherwise", () => {
  const ok = answer(files, { method: "GET", url: "/app/page.mjs?x=1", host: HOST }, HOST);
  assert.equal(ok.status, 200);
  assert.equal(ok.body, "export {}");
  assert.equal(ok.headers["cross-origin-embedder-policy"], "require-corp");
  assert.equal(ok.headers["cross-origin-opener-policy"], "same-origin");
  const plain = answer(files, { method: "GET", url: "/app/page.mjs", host: HOST }, HOST, false);
  for (const h of Object.keys(ISOLATION_HEADERS)) assert.equal(plain.headers[h], undefined, `${h} on the page that is not isolated`);
  assert.equal(answer(files, { method: "GET", url: "/app/page.mjs", host: "evil.example:8123" }, HOST).status, 421, "another Host (DNS rebinding)");
  assert.equal(answer(files, { method: "POST", url: "/app/page.mjs", host: HOST }, HOST).status, 405);
  assert.equal(answer(files, { method: "GET", url: "/app/../../etc/passwd", host: HOST }, HOST).status, 404, "nothing outside the map");
  assert.equal(answer(files, { method: "GET", url: "//[", host: HOST }, HOST).status, 400);
  assert.equal(answer(files, { method: "HEAD", url: "/app/page.mjs", host: HOST }, HOST).body, "");
});

test("the section's CNN is the course's: the same layers and parameters as the mnist-cnn recipe's model", () => {
  const [bench, recipe] = [kernoCnn(), mnistCnnModel()];
  assert.deepEqual(
    bench.layers.map((l) => l.className),
    recipe.layers.map((l) => l.className),
  );
  assert.equal(bench.countParams(), recipe.countParams());
});

test("accuracy counts rows whose largest score is the label", () => {
  assert.equal(accuracy([0.1, 0.9, 0.8, 0.2, 0.3, 0.7], [1, 0, 0], 2), 2 / 3);
  assert.throws(() => accuracy([0.1, 0.9], [1, 0], 2), /2 scores for 2 labels/);
});

test("the browser rows take TensorFlow.js's faster backend, say which, and orient every ratio as kerno-wasm over the other", () => {
  const page = { crossOriginIsolated: true, userAgent: "" };
  const r: PageResults = {
    kernoWasm: { ...page, training: 1000, accuracy: 0.93, inference: 4000 },
    ortWeb: { ...page, inference: 5000 },
    tfjs: { cpu: { ...page, training: 2 }, webgl: { ...page, training: 20, inference: null } },
    native: { training: 4000, accuracy: 0.95, finalAccuracy: 0.97, inference: 30000, threads: 2 },
    wasmNode: null,
  };
  const [training, acc, inference] = browserRows(r, "Chromium 1", true);
  assert.deepEqual(bestOf({ cpu: 2, webgl: 20, wasm: null }), { value: 20, name: "webgl" });
  assert.equal(training.tfjs, 20);
  assert.equal(training.tfjsBackend, "webgl");
  assert.equal(training.ratioTfjs, 50);
  assert.equal(training.ratioNative, 0.25);
  assert.equal(acc.kernoWasm, 93);
  assert.equal(inference.ratioOrtWeb, 0.8);
  assert.equal(inference.tfjs, null, "no backend timed inference");
  assert.ok([training, acc, inference].every((row) => row.crossOriginIsolated && row.browser === "Chromium 1"));
  const block = browserBlock({ browser: "Chromium 1", crossOriginIsolated: true, notes: ["a note"], rows: [training] });
  assert.match(block, /cross-origin isolated \(COOP\/COEP; crossOriginIsolated was true\)/);
  assert.match(block, /\| 1,000 +\| 20\.0 \(webgl\) \| 50\.00x \|/);
  assert.match(block, /^- a note$/m);
  assert.equal(browserBlock({ skipped: "no chromium", notes: [], rows: [] }), "Browser section skipped: no chromium.");
});
