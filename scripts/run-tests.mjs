#!/usr/bin/env node
// `npm test`: Node's test runner over test/, in three passes so that both backends are exercised:
//   1. every test on the default backend (native where the addon built, else TypeScript)
//   2. the op and autodiff tests again on the TypeScript reference backend
//   3. the native kernel checks again on the portable (non-AVX) code path, and with each way of
//      running convolutions on every pass that has it (KERNO_CONV=gemm, indirect, direct, f2, f4, f2p, f4p)
// Extra arguments are test files to run instead (one pass, default backend).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CONV_WAYS } from "./conv-ways.mjs";
import { checkoutDataDir } from "./data-dir.mjs";

function testFiles(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith(".test.ts") ? [path] : [];
    })
    .sort();
}

// the data sets where `npm start` finds them, for the tests and every process they spawn
const data = checkoutDataDir();
if (data) process.env.KERNO_DATA_DIR = data;

function run(title, files, env) {
  console.log(`\n# ${title}`);
  const args = ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...files];
  const result = spawnSync(process.execPath, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status === 0;
}

const only = process.argv.slice(2);
let ok;
if (only.length > 0) {
  ok = run("selected tests", only, {});
} else {
  ok = run("all tests, default backend", testFiles("test"), {});
  ok =
    run("ops and autodiff on the TypeScript backend (KERNO_BACKEND=js)", [...testFiles("test/ops"), ...testFiles("test/autodiff")], { KERNO_BACKEND: "js" }) &&
    ok;
  ok = run("native kernels on the portable path (KERNO_ISA=portable)", testFiles("test/backends/native"), { KERNO_ISA: "portable" }) && ok;
  for (const way of CONV_WAYS)
    ok =
      run(`native kernels with convolutions run by ${way} wherever it applies (KERNO_CONV=${way})`, testFiles("test/backends/native"), { KERNO_CONV: way }) &&
      ok;
}
process.exit(ok ? 0 : 1);
