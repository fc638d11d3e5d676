import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";

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

// doctor measures the machine profile into the data cache at first use: a folder of the test's own
const doctorEnv = (env: Record<string, string> = {}) => ({ ...process.env, KERNO_DATA_DIR: tempDir(), ...env });

test("kerno doctor names the active backend", () => {
  const r = spawnSync(process.execPath, [bin, "doctor"], { encoding: "utf8", env: doctorEnv() });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /active backend: (native|js)/);
});

test("KERNO_BACKEND=wasm runs the WebAssembly kernels", {
  skip: wasmBuilt ? false : "the WebAssembly kernels are not built (npm run build:wasm -w @kerno/wasm)",
}, () => {
  const r = spawnSync(process.execPath, [bin, "doctor"], { encoding: "utf8", env: doctorEnv({ KERNO_BACKEND: "wasm" }) });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /active backend: wasm/);
  assert.match(r.stdout, /WebAssembly kernels \(@kerno\/wasm\): imported, \d+ threads/);
});

test("kerno bench rejects an unknown workload", () => {
  const r = kerno("bench", "nosuch");
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown workload 'nosuch'/);
});
