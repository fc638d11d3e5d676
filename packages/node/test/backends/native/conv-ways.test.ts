import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { CONV_WAYS } from "../../../scripts/conv-ways.mjs";

test("the test runner forces every way of running convolutions that the addon accepts (its list is conv-ways.mjs; kerno's CLI help names them too: test/cli/usage.test.ts)", () => {
  const source = readFileSync(new URL("../../../native/conv.cc", import.meta.url), "utf8");
  const accepted = [...source.matchAll(/s == "([a-z0-9]+)"/g)].map((m) => m[1]);
  assert.ok(accepted.length > 0, "conv.cc's forced_way compares KERNO_CONV against its ways");
  assert.deepEqual([...accepted].sort(), [...CONV_WAYS].sort());
});
