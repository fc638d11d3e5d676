import { test } from "node:test";
import assert from "node:assert/strict";
import { getBackend, listBackends, setBackend } from "../../src/index.js";
import { withBackend } from "../../src/backends/registry.js";

test("backends can be listed, switched and restored", () => {
  assert.ok(listBackends().includes("js"));
  const before = getBackend();
  assert.equal(withBackend("js", () => getBackend()), "js");
  assert.equal(getBackend(), before);
  assert.throws(() => setBackend("cuda"), /setBackend: unknown backend 'cuda'; available: /);
});
