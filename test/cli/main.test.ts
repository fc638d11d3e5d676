import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
const kerno = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

test("kerno --help lists the commands", () => {
  const r = kerno("--help");
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: kerno <command>/);
  assert.match(r.stdout, /bench/);
});

test("an unknown command is an error with the help text", () => {
  const r = kerno("frobnicate");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test("kerno doctor names the active backend", () => {
  const r = kerno("doctor");
  assert.equal(r.status, 0);
  assert.match(r.stdout, /active backend: (native|js)/);
});

test("kerno bench rejects an unknown workload", () => {
  const r = kerno("bench", "nosuch");
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown workload 'nosuch'/);
});
