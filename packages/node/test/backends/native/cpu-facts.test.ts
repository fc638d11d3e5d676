import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../../core/test/helpers/tmp.js";
import type { Addon, AddonCpu } from "../../../src/backends/native/addon.js";
import { cpuFacts, mergeCaches, parseCacheSize, SYS_CPU, sysfsCaches, sysfsPhysicalCores } from "../../../src/backends/native/cpu-facts.js";
import { loadAddon } from "../../../src/backends/native/index.js";

/** A /sys/devices/system/cpu of `cpus` logical CPUs, two per core (SMT), with cpu0's caches. */
function fakeSys(cpus: number, caches: [level: string, type: string, size: string][]): string {
  const root = tempDir();
  for (let i = 0; i < cpus; i++) {
    const topo = join(root, `cpu${i}`, "topology");
    mkdirSync(topo, { recursive: true });
    writeFileSync(join(topo, "physical_package_id"), "0\n");
    writeFileSync(join(topo, "core_id"), `${i >> 1}\n`);
  }
  caches.forEach(([level, type, size], i) => {
    const dir = join(root, "cpu0", "cache", `index${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "level"), `${level}\n`);
    writeFileSync(join(dir, "type"), `${type}\n`);
    writeFileSync(join(dir, "size"), `${size}\n`);
  });
  return root;
}

const zen4Caches: [string, string, string][] = [
  ["1", "Data", "32K"],
  ["1", "Instruction", "32K"],
  ["2", "Unified", "1024K"],
  ["3", "Unified", "32768K"],
];

test("sysfs cache sizes and physical cores", () => {
  assert.equal(parseCacheSize("48K"), 48 * 1024);
  assert.equal(parseCacheSize("32M"), 32 * 1024 ** 2);
  assert.equal(parseCacheSize("512"), 512);
  assert.equal(parseCacheSize("lots"), null);
  const root = fakeSys(4, zen4Caches);
  assert.deepEqual(sysfsCaches(root), { l1dBytes: 32768, l2Bytes: 1048576, l3Bytes: 33554432 });
  assert.equal(sysfsPhysicalCores(root), 2, "two logical CPUs per core");
  const none = join(tempDir(), "missing");
  assert.deepEqual(sysfsCaches(none), { l1dBytes: null, l2Bytes: null, l3Bytes: null });
  assert.equal(sysfsPhysicalCores(none), null);
});

test("the addon's cache sizes come first, sysfs fills the gaps, and the source says which", () => {
  const sys = { l1dBytes: 32768, l2Bytes: 1048576, l3Bytes: 33554432 };
  assert.deepEqual(mergeCaches({ l1dBytes: 49152, l2Bytes: 2097152, l3Bytes: null }, sys), {
    l1dBytes: 49152,
    l2Bytes: 2097152,
    l3Bytes: 33554432,
    source: "sysconf+sysfs",
  });
  assert.equal(mergeCaches({ l1dBytes: null, l2Bytes: null, l3Bytes: null }, sys).source, "sysfs");
  assert.deepEqual(mergeCaches({ l1dBytes: null, l2Bytes: null, l3Bytes: null }, { l1dBytes: null, l2Bytes: null, l3Bytes: null }), {
    l1dBytes: null,
    l2Bytes: null,
    l3Bytes: null,
    source: "unknown",
  });
});

test("cpuFacts reads the addon's CPUID and ISA path, and sysfs where the addon does not know", () => {
  const cpu: AddonCpu = { vendor: "AuthenticAMD", brand: "AMD Ryzen 7 7700", family: 25, model: 97, stepping: 2, l1dBytes: -1, l2Bytes: -1, l3Bytes: -1 };
  const addon = { info: () => ({ isa: "avx512", threads: 8, bf16: true }), cpu: () => cpu } as unknown as Addon;
  const f = cpuFacts(addon, fakeSys(16, zen4Caches));
  assert.deepEqual(f.cpu, { vendor: "AuthenticAMD", name: "AMD Ryzen 7 7700", family: 25, model: 97, stepping: 2 });
  assert.equal(f.isa, "avx512");
  assert.deepEqual(f.caches, { l1dBytes: 32768, l2Bytes: 1048576, l3Bytes: 33554432, source: "sysfs" });
  assert.deepEqual([f.cores.physical, f.cores.threads], [8, 8]);
  // an addon built before cpu(): Node's CPU name, unknown family and model
  const old = cpuFacts({ info: addon.info } as unknown as Addon, fakeSys(2, []));
  assert.deepEqual([old.cpu.vendor, old.cpu.family, old.cpu.model], ["", null, null]);
  assert.ok(old.cpu.name.length > 0);
});

test("the addon reports this machine's CPU", { skip: existsSync(SYS_CPU) ? false : "not Linux" }, () => {
  let addon: Addon;
  try {
    addon = loadAddon();
  } catch {
    return;
  }
  const f = cpuFacts(addon);
  assert.ok(f.cpu.name.length > 0);
  if (process.arch === "x64") assert.ok(f.cpu.vendor.length > 0 && f.cpu.family !== null, JSON.stringify(f.cpu));
  assert.ok(f.cores.threads >= 1 && f.cores.logical >= 1);
});
