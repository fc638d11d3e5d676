#!/usr/bin/env node
// `npm test`: Node's test runner over the workspace's tests (packages/core/test,
// packages/node/test, packages/wasm/test, test/), in passes so that every backend is exercised:
//   1. every test on the default backend: native where the addon built, else TypeScript (the
//      native backend is registered before @kerno/core's tests, which do not import it)
//   2. the op and autodiff tests again on the TypeScript reference backend, and with the layer
//      tests on the WebAssembly backend where it is built
//   3. the native kernel checks again on the portable (non-AVX) and AVX2 code paths, and with each way of
//      running convolutions on every pass that has it (KERNO_CONV=gemm, indirect, direct, f2, f4, f2p, f4p)
// `--package core|node|wasm|kerno` runs one package's tests alone (`npm test` in packages/core runs
// core's, on the TypeScript backend, as a user of @kerno/core alone would). Other arguments are
// test files to run instead (one pass, default backend). The workspace packages resolve to their
// TypeScript sources (the "kerno-source" export condition), in the tests and every process they spawn.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CONV_WAYS } from "../packages/node/scripts/conv-ways.mjs";
import { checkoutDataDir } from "./data-dir.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const callerDir = process.cwd();
process.chdir(root);
const TESTS = { core: "packages/core/test", node: "packages/node/test", wasm: "packages/wasm/test", webgpu: "packages/webgpu/test", kerno: "test" };
const NATIVE = "./scripts/native-preload.mjs";

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
const nodeOptions = [process.env.NODE_OPTIONS, "--conditions=kerno-source"].filter(Boolean).join(" ");

// what failed, pass by pass, printed again at the very end (a CI log's tail shows it)
const failures = [];

function run(title, files, env, { native = true } = {}) {
  console.log(`\n# ${title}`);
  const preload = native ? ["--import", NATIVE] : [];
  // the TAP copy only names what failed at the end: without a temporary folder the run goes on without it
  let tapDir = null;
  try {
    tapDir = mkdtempSync(join(tmpdir(), "kerno-tests-"));
  } catch {}
  const tap = tapDir && join(tapDir, "report.tap");
  const reporters = [
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    ...(tap ? ["--test-reporter=tap", `--test-reporter-destination=${tap}`] : []),
  ];
  const args = ["--import", "tsx", ...preload, "--test", ...reporters, "--test-concurrency=2", ...files];
  const result = spawnSync(process.execPath, args, { stdio: "inherit", env: { ...process.env, NODE_OPTIONS: nodeOptions, ...env } });
  if (result.status !== 0)
    failures.push({ title, status: result.status ?? result.signal, failed: tap && existsSync(tap) ? failedTests(readFileSync(tap, "utf8")) : [] });
  if (tapDir) rmSync(tapDir, { recursive: true, force: true });
  return result.status === 0;
}

/** The failing tests of a TAP report: each as where it is, its name and its error's first line. */
function failedTests(tap) {
  const lines = tap.split("\n");
  const failed = [];
  lines.forEach((line, i) => {
    const notOk = /^ *not ok \d+ - (.*)$/.exec(line);
    // a TODO does not fail the run
    if (!notOk || /# TODO\b/.test(notOk[1])) return;
    const block = lines.slice(i + 1, i + 60);
    const end = block.findIndex((l) => /^ *\.\.\.$/.test(l));
    const yaml = end >= 0 ? block.slice(0, end) : block;
    // a parent whose subtests failed: they are listed themselves
    if (yaml.some((l) => /failureType: 'subtestsFailed'/.test(l))) return;
    const location =
      yaml
        .find((l) => /^ +location: /.test(l))
        ?.replace(/^ +location: /, "")
        .replace(/'/g, "") ?? "";
    const at = yaml.findIndex((l) => /^ +error: /.test(l));
    let error = at >= 0 ? yaml[at].replace(/^ +error: /, "") : "";
    if (/^[|>]-?$/.test(error))
      error =
        yaml
          .slice(at + 1)
          .find((l) => l.trim() !== "")
          ?.trim() ?? "";
    failed.push({ location, name: notOk[1], error: error.slice(0, 300) });
  });
  return failed;
}

const argv = process.argv.slice(2);
const pkgAt = argv.indexOf("--package");
const only = pkgAt >= 0 ? TESTS[argv[pkgAt + 1]] : undefined;
if (pkgAt >= 0 && !only) {
  console.error(`run-tests: --package takes one of ${Object.keys(TESTS).join(", ")}`);
  process.exit(2);
}
let ok;
if (only) {
  ok = run(`${argv[pkgAt + 1]}'s tests`, testFiles(only), {}, { native: argv[pkgAt + 1] !== "core" });
} else if (argv.length > 0) {
  ok = run(
    "selected tests",
    argv.map((f) => resolve(callerDir, f)),
    {},
  );
} else {
  ok = run("all tests, default backend", Object.values(TESTS).flatMap(testFiles), {});
  const core = TESTS.core;
  ok =
    run("ops and autodiff on the TypeScript backend (KERNO_BACKEND=js)", [...testFiles(`${core}/ops`), ...testFiles(`${core}/autodiff`)], {
      KERNO_BACKEND: "js",
    }) && ok;
  // the WebAssembly kernels under the same op, autodiff and layer tests, where they are built
  if (existsSync(join(root, "packages/wasm/build/kerno-kernels-threads.wasm")) || process.env.KERNO_REQUIRE_WASM === "1")
    ok =
      run(
        "ops, autodiff and layers on the WebAssembly backend (KERNO_BACKEND=wasm)",
        ["ops", "autodiff", "layers"].flatMap((d) => testFiles(`${core}/${d}`)),
        {
          KERNO_BACKEND: "wasm",
        },
      ) && ok;
  const nativeTests = testFiles(`${TESTS.node}/backends/native`);
  ok = run("native kernels on the portable path (KERNO_ISA=portable)", nativeTests, { KERNO_ISA: "portable" }) && ok;
  // an AVX-512 machine runs its own path by default: the AVX2 path too, as AVX2-only CPUs (Zen 3, laptops) would
  ok = run("native kernels on the AVX2 path where the CPU has it (KERNO_ISA=avx2)", nativeTests, { KERNO_ISA: "avx2" }) && ok;
  for (const way of CONV_WAYS)
    ok = run(`native kernels with convolutions run by ${way} wherever it applies (KERNO_CONV=${way})`, nativeTests, { KERNO_CONV: way }) && ok;
}
if (failures.length > 0) {
  console.log("\n# failed");
  for (const { title, status, failed } of failures) {
    console.log(`- ${title} (exit ${status})`);
    for (const f of failed) console.log(`  - ${f.name} (${f.location || "no location"})${f.error ? `: ${f.error}` : ""}`);
  }
}
process.exit(ok ? 0 : 1);
