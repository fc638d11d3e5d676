import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
const kerno = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
const wasmBuilt = existsSync(fileURLToPath(new URL("../../packages/wasm/build/kerno-kernels.wasm", import.meta.url)));

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

test("KERNO_BACKEND=wasm runs the WebAssembly kernels", {
  skip: wasmBuilt ? false : "the WebAssembly kernels are not built (npm run build:wasm -w @kerno/wasm)",
}, () => {
  const r = spawnSync(process.execPath, [bin, "doctor"], { encoding: "utf8", env: { ...process.env, KERNO_BACKEND: "wasm" } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /active backend: wasm/);
  assert.match(r.stdout, /WebAssembly kernels \(@kerno\/wasm\): imported, \d+ threads/);
});

test("kerno bench rejects an unknown workload", () => {
  const r = kerno("bench", "nosuch");
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown workload 'nosuch'/);
});
