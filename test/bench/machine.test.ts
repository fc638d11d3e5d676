import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { type MachineProfile, machineProfile } from "@kerno/node/backends/native/profile.js";
import { describeMachine, startMachineRecord } from "../../bench/machine.js";
import { latestRun, type SavedRun, saveRun } from "../../bench/results.js";
import { makeRows, type Sample } from "../../bench/rows.js";
import { POLICY } from "../../bench/run.js";
import { formatTable, readmeBlock } from "../../bench/table.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";

/** A profile with a fake measurement: nothing is timed. */
function fakeProfile(): MachineProfile {
  return machineProfile({
    dir: tempDir(),
    facts: {
      cpu: { vendor: "AuthenticAMD", name: "AMD Ryzen 9 9950X", family: 26, model: 68, stepping: 0 },
      isa: "avx512",
      bf16: true,
      caches: { l1dBytes: 49152, l2Bytes: 1048576, l3Bytes: 33554432, source: "sysconf" },
      cores: { logical: 2, physical: 2, threads: 2 },
    },
    measure: () => ({ singleThread: 240, allThreads: 477 }),
    load: () => 0.1,
  }).profile;
}

test("a bench run records the CPU, ISA path, caches and measured peak from the profile, and the load at start and end", () => {
  const profile = fakeProfile();
  const loads = [
    [0.21, 0.3, 0.4],
    [1.5, 0.9, 0.5],
  ];
  const m = startMachineRecord({
    profile: () => ({ profile, path: "p", source: "saved" }),
    loadavg: () => loads.shift()!,
    isa: () => "?",
    versions: { pytorch: "2.5", onnxRuntime: null },
  });
  assert.equal(m.record.loadStart, 0.21);
  assert.deepEqual(m.record.loadAverageStart, [0.21, 0.3, 0.4]);
  const rec = m.finish();
  assert.equal(rec.loadEnd, 1.5);
  assert.equal(rec.cpu, "AMD Ryzen 9 9950X");
  assert.equal(rec.isa, "avx512");
  assert.deepEqual([rec.profile?.cpu.family, rec.profile?.cpu.model], [26, 68]);
  assert.deepEqual(rec.profile?.caches, { l1dBytes: 49152, l2Bytes: 1048576, l3Bytes: 33554432, source: "sysconf" });
  assert.deepEqual(rec.profile?.fmaPeakGflops, { singleThread: 240, allThreads: 477 });
  assert.equal(
    describeMachine(rec),
    "AMD Ryzen 9 9950X (family 26, model 68), 2 logical cores, kerno's avx512 path, L1d 48 KiB / L2 1 MiB / L3 32 MiB, measured FMA peak 240 GFLOPS on 1 thread and 477 on 2",
  );
  // saved and read back whole, and the docs' block names the machine
  const dir = tempDir();
  const run: SavedRun = { date: "2026-12-07T06:00:00.000Z", machine: rec, seconds: 3, policy: POLICY, rows: [] };
  saveRun(run, dir);
  const back = latestRun(dir)!;
  assert.deepEqual(back.run, JSON.parse(JSON.stringify(run)));
  assert.match(readmeBlock(back.run, back.file), /\): AMD Ryzen 9 9950X \(family 26, model 68\), .* measured FMA peak 240 GFLOPS/);
});

test("without a profile the run says why and still names the CPU", () => {
  const m = startMachineRecord({
    profile: () => {
      throw new Error("the native addon was not built");
    },
    loadavg: () => [0.5, 0.5, 0.5],
    isa: () => "no native addon",
    versions: { pytorch: null, onnxRuntime: null },
  }).finish();
  assert.equal(m.profile, null);
  assert.equal(m.profileError, "the native addon was not built");
  assert.match(describeMachine(m), /kerno's no native addon path \(no machine profile: the native addon was not built\)/);
});

test("a row says whether PyTorch's reading with denormals flushed won; the table marks it ftz", () => {
  const s = (metric: string, value: number, flushDenormal?: boolean): Sample => ({
    metric,
    value,
    peakRssMb: 100,
    ...(flushDenormal === undefined ? {} : { flushDenormal }),
  });
  const rows = makeRows("mnist-cnn", {
    native: [s("training (fit)", 3000), s("inference", 9000)],
    js: [],
    torch: [
      [s("training (fit)", 2000, false), s("inference", 8000)],
      [s("training (fit)", 2600, true), s("inference", 7000)],
    ],
    torchThreads: [1, 2],
    onnx: [],
  });
  const fit = rows.find((r) => r.metric === "training (fit)")!;
  assert.deepEqual([fit.pytorch, fit.pytorchThreads, fit.pytorchFlushDenormal], [2600, 2, true]);
  const inference = rows.find((r) => r.metric === "inference")!;
  assert.equal(inference.pytorchThreads, 1);
  assert.ok(!("pytorchFlushDenormal" in inference), "one reading: nothing to say");
  assert.equal(rows.at(-1)?.metric, "peak RSS");
  const table = formatTable(rows);
  assert.match(table, /2,600 \(2t, ftz\)/);
  assert.match(table, /8,000 \(1t\) /);
});

test("the PyTorch rows the policy names take the second reading in pytorch_bench.py", () => {
  const python = readFileSync(new URL("../../bench/pytorch_bench.py", import.meta.url), "utf8");
  const functions = {
    "mnist-cnn": "mnist_cnn",
    "mnist-dense": "mnist_dense",
    lstm: "lstm",
    "cats-vs-dogs-cnn": "cats_vs_dogs",
    "mixed-bfloat16": "mixed_bfloat16",
    "filter-viz": "filter_viz",
  };
  for (const [workload, fn] of Object.entries(functions)) {
    assert.ok(POLICY.includes(workload), `POLICY names ${workload}`);
    const body = python.slice(python.indexOf(`\ndef ${fn}(`), python.indexOf("\ndef ", python.indexOf(`\ndef ${fn}(`) + 1));
    assert.match(body, /two_readings|trained_rate/, `${fn} takes two readings`);
  }
});
