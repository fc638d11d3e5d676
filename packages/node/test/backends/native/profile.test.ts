import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../../core/test/helpers/tmp.js";
import type { CpuFacts } from "../../../src/backends/native/cpu-facts.js";
import {
  describeProfile,
  type FmaPeaks,
  MAX_MEASUREMENTS,
  machineProfile,
  parseProfile,
  peakLooksDisturbed,
  profileKey,
  profilePath,
} from "../../../src/backends/native/profile.js";

const facts = (over: Partial<CpuFacts["cpu"]> = {}): CpuFacts => ({
  cpu: { vendor: "AuthenticAMD", name: "AMD Ryzen 9 7950X 16-Core Processor", family: 25, model: 97, stepping: 2, ...over },
  isa: "avx512",
  bf16: true,
  caches: { l1dBytes: 32768, l2Bytes: 1048576, l3Bytes: 33554432, source: "sysconf" },
  cores: { logical: 4, physical: 2, threads: 2 },
});

/** A measurement that times nothing: returns the given peaks in turn and counts its calls. */
function fakeMeasure(...peaks: FmaPeaks[]) {
  const m = () => peaks[Math.min(m.calls++, peaks.length - 1)];
  m.calls = 0;
  return m;
}

const steady: FmaPeaks = { singleThread: 120, allThreads: 235 };
const options = (dir: string, measure: () => FmaPeaks, over: object = {}) => ({
  dir,
  facts: facts(),
  measure,
  now: () => new Date("2026-12-07T06:00:00Z"),
  load: () => 0.1,
  ...over,
});

test("the profile is measured at first use, saved under a key of the CPU, and read back after", () => {
  const dir = tempDir();
  const measure = fakeMeasure(steady);
  const first = machineProfile(options(dir, measure));
  assert.equal(first.source, "measured");
  assert.equal(measure.calls, 1);
  assert.equal(first.path, profilePath(facts(), dir));
  assert.match(first.path, /authenticamd-25-97-amd-ryzen-9-7950x-16-core-processor\.avx512\.2t\.[0-9a-f]{10}\.json$/);
  assert.deepEqual(readdirSync(dir), [first.path.slice(dir.length + 1)], "one file, no temporary left behind");
  const saved = JSON.parse(readFileSync(first.path, "utf8"));
  assert.deepEqual(saved.fmaPeakGflops, steady);
  assert.equal(saved.measuredAt, "2026-12-07T06:00:00.000Z");
  assert.deepEqual(saved.cpu, facts().cpu);
  const second = machineProfile(options(dir, measure));
  assert.equal(second.source, "saved");
  assert.equal(measure.calls, 1, "a saved profile is not measured again");
  assert.deepEqual(second.profile, first.profile);
  const again = machineProfile(options(dir, measure, { remeasure: true }));
  assert.equal(again.source, "measured");
  assert.equal(measure.calls, 2, "--measure measures again");
});

test("another CPU, ISA path or thread count has its own profile", () => {
  const base = profileKey(facts());
  assert.notEqual(profileKey(facts({ model: 68 })), base);
  assert.notEqual(profileKey(facts({ name: "AMD EPYC 9654" })), base);
  assert.notEqual(profileKey({ ...facts(), isa: "avx2+fma" }), base);
  assert.notEqual(profileKey({ ...facts(), cores: { logical: 4, physical: 2, threads: 1 } }), base);
  assert.equal(profileKey(facts()), base, "the same machine, the same key");
});

test("a malformed or foreign profile file is measured again and replaced", () => {
  const dir = tempDir();
  const measure = fakeMeasure(steady);
  const { path, profile } = machineProfile(options(dir, measure));
  const good = JSON.stringify(profile);
  const cases: [string, RegExp][] = [
    ["{ not json", /not JSON/],
    ["[]", /the file should be an object/],
    [good.replace('"allThreads":235', '"allThreads":"fast"'), /fmaPeakGflops\.allThreads should be GFLOPS, a number above 0, got "fast"/],
    [good.replace('"singleThread":120', '"singleThread":-1'), /fmaPeakGflops\.singleThread should be GFLOPS/],
    [good.replace('"l2Bytes":1048576', '"l2Bytes":1.5'), /caches\.l2Bytes should be null or an integer >= 1/],
    [good.replace('"version":2', '"version":7'), /version should be 2, got 7/],
    [good.replace('"measuredAt":"2026-12-07T06:00:00.000Z"', '"measuredAt":"yesterday"'), /measuredAt should be an ISO 8601 date/],
    // edited, or copied from another machine: its fields no longer give its key
    [good.replace('"model":97', '"model":68'), /key should be .* \(the key of its own fields\)/],
  ];
  for (const [text, why] of cases) {
    assert.throws(
      () => parseProfile(text, path),
      (err: Error) => err.message.startsWith(`${path}: `) && why.test(err.message),
      text,
    );
    writeFileSync(path, text);
    const calls = measure.calls;
    const r = machineProfile(options(dir, measure));
    assert.equal(r.source, "measured", text);
    assert.equal(measure.calls, calls + 1);
    assert.match(r.why ?? "", why);
    assert.doesNotThrow(() => parseProfile(readFileSync(path, "utf8"), path), "the replacement is valid");
  }
  // a valid profile of another machine put at this machine's path
  const other = machineProfile(options(tempDir(), fakeMeasure(steady), { facts: facts({ model: 68 }) })).profile;
  writeFileSync(path, JSON.stringify(other));
  const r = machineProfile(options(dir, measure));
  assert.equal(r.source, "measured");
  assert.match(r.why ?? "", /holds the profile of .*-68-.*, not of this machine/);
});

test("a profile that cannot be written is still returned, with why", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "machine"), "a file where the folder should be");
  const r = machineProfile(options(join(dir, "machine"), fakeMeasure(steady)));
  assert.equal(r.source, "measured");
  assert.deepEqual(r.profile.fmaPeakGflops, steady);
  assert.match(r.saveError ?? "", /cannot write .*machine/);
  // the atomic write leaves the old file whole when it fails: a folder in the way of the rename
  const dir2 = tempDir();
  const path = profilePath(facts(), dir2);
  mkdirSync(path, { recursive: true });
  assert.match(machineProfile(options(dir2, fakeMeasure(steady))).saveError ?? "", /cannot write/);
  assert.deepEqual(readdirSync(dir2), [path.slice(dir2.length + 1)], "no temporary file left behind");
});

test("a disturbed all-thread peak is measured again at next use, keeping the best, a bounded number of times", () => {
  const dir = tempDir();
  const busy: FmaPeaks = { singleThread: 118, allThreads: 125 };
  assert.ok(peakLooksDisturbed({ cores: facts().cores, fmaPeakGflops: busy }));
  assert.ok(!peakLooksDisturbed({ cores: facts().cores, fmaPeakGflops: steady }));
  // SMT: 4 logical CPUs on 2 cores scale to 2x, not 4x
  assert.ok(!peakLooksDisturbed({ cores: { logical: 4, physical: 2, threads: 4 }, fmaPeakGflops: steady }));
  let load = 3;
  const measure = fakeMeasure(busy);
  const run = () => machineProfile(options(dir, measure, { load: () => load }));
  for (let i = 1; i <= MAX_MEASUREMENTS; i++) {
    const r = run();
    assert.equal(r.source, "measured");
    assert.equal(r.profile.measurements, i);
  }
  assert.equal(run().source, "saved", `after ${MAX_MEASUREMENTS} disturbed measurements under the same load it stays`);
  load = 0.2;
  const quiet = fakeMeasure({ singleThread: 110, allThreads: 236 });
  const r = machineProfile(options(dir, quiet, { load: () => load }));
  assert.equal(r.source, "measured", "measured again once the machine is quieter");
  assert.deepEqual(r.profile.fmaPeakGflops, { singleThread: 118, allThreads: 236 }, "the best of every measurement");
  assert.equal(machineProfile(options(dir, quiet, { load: () => load })).source, "saved");
});

test("describeProfile names the CPU, the ISA path, the caches, the cores and both peaks", () => {
  const { profile } = machineProfile(options(tempDir(), fakeMeasure(steady)));
  const text = describeProfile(profile).join("\n");
  assert.match(text, /CPU: AMD Ryzen 9 7950X 16-Core Processor \(AuthenticAMD, family 25, model 97, stepping 2\)/);
  assert.match(text, /ISA path: avx512 with AVX512_BF16/);
  assert.match(text, /caches: L1d 32 KiB, L2 1 MiB, L3 32 MiB \(from sysconf\)/);
  assert.match(text, /cores: 2 physical, 4 logical, 2 native threads/);
  assert.match(text, /FMA peak: 120\.0 GFLOPS on 1 thread, 235\.0 on 2 \(best of 1 measurement, the last 2026-12-07T06:00:00\.000Z at load 0\.10\)/);
});

test("a machine whose bfloat16 products run on AMX says so, also from a profile saved before AMX was recorded", () => {
  const dir = tempDir();
  const amx = { ...facts(), cpu: { ...facts().cpu, vendor: "GenuineIntel", name: "Intel(R) Xeon(R) Platinum 8480+", family: 6, model: 143 }, amx: true };
  const { profile, path } = machineProfile(options(dir, fakeMeasure(steady), { facts: amx }));
  assert.match(describeProfile(profile).join("\n"), /ISA path: avx512 with AVX512_BF16 and AMX tiles/);
  // an older file has no amx field: it still loads, and the running addon's answer is shown
  const { amx: _, ...older } = JSON.parse(readFileSync(path, "utf8"));
  writeFileSync(path, JSON.stringify(older));
  const again = machineProfile(options(dir, fakeMeasure(steady), { facts: amx }));
  assert.equal(again.source, "saved");
  assert.equal(again.profile.amx, true);
  assert.throws(() => parseProfile(JSON.stringify({ ...older, amx: "yes" }), path), /amx/);
});
