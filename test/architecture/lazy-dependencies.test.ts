/**
 * The toolkit's heavy dependencies load where they are used, so that `import ... from "kerno"`
 * loads none of them (@kerno/node's own test checks its sources the same way).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { readSources, repositoryRoot } from "../../scripts/import-graph.js";

test("no toolkit source imports vega, vega-lite, arima, sharp, dagre, protobufjs, h5wasm or onnxruntime at load time (only types)", () => {
  const heavy = /^import\s+(?!type\b)[^;]*from\s+"(sharp|vega|vega-lite|arima|@dagrejs\/dagre|protobufjs|h5wasm[^"]*|onnxruntime-node)"/m;
  const sources = readSources(repositoryRoot, "src");
  assert.ok(sources.size > 50);
  for (const [file, text] of sources) assert.doesNotMatch(text, heavy, file);
});
