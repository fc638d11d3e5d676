import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { ProfileOptions, ProfileResult } from "@kerno/node/backends/native/profile.js";
import { machineProfile } from "@kerno/node/backends/native/profile.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { runDoctor } from "../../src/cli/doctor.js";

const facts = {
  cpu: { vendor: "AuthenticAMD", name: "AMD Ryzen 5 5600X 6-Core Processor", family: 25, model: 33, stepping: 0 },
  isa: "avx2+fma",
  bf16: false,
  caches: { l1dBytes: 32768, l2Bytes: 524288, l3Bytes: 33554432, source: "sysconf" },
  cores: { logical: 12, physical: 6, threads: 6 },
};

/** doctor with a profile that measures nothing (a fake peak in a temporary folder); its lines and the options it asked with. */
const webgpu = async () => ({ error: "WebGPU found no adapter (test)" });

async function doctor(...argv: string[]) {
  const lines: string[] = [];
  const asked: ProfileOptions[] = [];
  const dir = tempDir();
  const profile = (o: ProfileOptions): ProfileResult => {
    asked.push(o);
    return machineProfile({ ...o, dir, facts, measure: () => ({ singleThread: 60.5, allThreads: 350.25 }), load: () => 0.05 });
  };
  const code = await runDoctor(argv, { profile, webgpu, out: (l) => lines.push(l) });
  return { code, text: lines.join("\n"), asked };
}

test("kerno doctor prints the machine profile: CPU, ISA path, caches, cores and the measured peaks", async () => {
  const { code, text, asked } = await doctor();
  assert.equal(code, 0);
  assert.match(text, /machine profile \(measured now \(no saved profile for this machine\), saved in .*\.json\):/);
  assert.match(text, /CPU: AMD Ryzen 5 5600X 6-Core Processor \(AuthenticAMD, family 25, model 33, stepping 0\)/);
  assert.match(text, /ISA path: avx2\+fma\n/);
  assert.match(text, /caches: L1d 32 KiB, L2 512 KiB, L3 32 MiB/);
  assert.match(text, /cores: 6 physical, 12 logical, 6 native threads/);
  assert.match(text, /FMA peak: 60\.5 GFLOPS on 1 thread, 350\.3 on 6/);
  assert.deepEqual(asked, [{ remeasure: false }]);
  assert.deepEqual((await doctor("--measure")).asked, [{ remeasure: true }]);
  assert.match(text, /WebGPU \(@kerno\/webgpu\): unavailable: WebGPU found no adapter \(test\)/);
});

test("kerno doctor --json holds the profile; a profile that cannot be had is said, not thrown", async () => {
  const { text } = await doctor("--json");
  const r = JSON.parse(text);
  assert.match(r.activeBackend, /native|js/);
  assert.deepEqual(r.machine.profile.fmaPeakGflops, { singleThread: 60.5, allThreads: 350.25 });
  assert.equal(r.machine.profile.cpu.model, 33);
  assert.equal(r.machine.source, "measured");
  const lines: string[] = [];
  const failing = () => {
    throw new Error("the native addon was not built");
  };
  await runDoctor([], { profile: failing, webgpu: async () => ({ adapter: "a test adapter" }), out: (l) => lines.push(l) });
  assert.ok(lines.includes("WebGPU (@kerno/webgpu): a test adapter"), lines.join("\n"));
  assert.ok(lines.includes("machine profile: unavailable: the native addon was not built"), lines.join("\n"));
});

test("kerno doctor measures the profile once into the data cache, then reads it", () => {
  const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
  const data = tempDir();
  const run = () => spawnSync(process.execPath, [bin, "doctor"], { encoding: "utf8", env: { ...process.env, KERNO_DATA_DIR: data } });
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  if (/native addon: unavailable/.test(first.stdout)) return; // no addon: nothing to measure with
  assert.match(first.stdout, /machine profile \(measured now/);
  assert.match(first.stdout, /FMA peak: [\d.]+ GFLOPS on 1 thread/);
  assert.equal(readdirSync(join(data, "machine")).filter((f) => f.endsWith(".json")).length, 1);
  // measured again at most while the first all-thread figure looks disturbed (a busy machine)
  assert.match(run().stdout, /machine profile \((saved in|measured now \(the saved all-thread peak)/);
});
