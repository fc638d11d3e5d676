import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { filterList } from "../../src/cli/interpret.js";
import { Conv2D, Dense, Flatten, Input, Sequential } from "../../src/index.js";
import { needsData } from "../helpers/data.js";
import { tempDir } from "../helpers/tmp.js";

const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
const kerno = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

test("--filters takes ranges and lists", () => {
  assert.deepEqual(filterList("0-3,7", []), [0, 1, 2, 3, 7]);
  assert.deepEqual(filterList(undefined, [1]), [1]);
  assert.throws(() => filterList("a-b", []), /--filters: expected ranges like 0-15/);
});

test("kerno interpret and kerno attack write PNGs and a JSON summary for a saved photo model", async () => {
  const dir = tempDir();
  // a 16x16 RGB model that says class 1 when the centre is red
  const conv = new Conv2D({ filters: 4, kernelSize: 3, activation: "relu", name: "feat" });
  const dense = new Dense({ units: 2, activation: "softmax", name: "out" });
  const model = new Sequential([Input({ shape: [16, 16, 3] }), conv, new Flatten(), dense]);
  const file = join(dir, "m.kerno");
  model.save(file);
  const photos = join(dir, "photos");
  mkdirSync(photos);
  for (const [name, r] of [
    ["a.png", 250],
    ["b.png", 10],
  ] as const)
    await sharp({ create: { width: 20, height: 20, channels: 3, background: { r, g: 40, b: 90 } } })
      .png()
      .toFile(join(photos, name));
  const out = join(dir, "out");
  const f = kerno("interpret", "filters", file, "--layer", "feat", "--filters", "0-1", "--out", out, "--json");
  assert.equal(f.status, 0, f.stderr);
  const summary = JSON.parse(f.stdout.trim().split("\n").pop()!);
  assert.equal(summary.filters.length, 2);
  assert.ok(existsSync(join(out, "feat.png")));
  for (const what of ["gradcam", "saliency", "featuremaps"]) {
    const r = kerno("interpret", what, file, join(photos, "a.png"), "--layer", "feat", "--out", out, "--json");
    assert.equal(r.status, 0, `${what}: ${r.stderr}`);
  }
  assert.ok(existsSync(join(out, "gradcam.png")) && existsSync(join(out, "vanilla-overlay.png")));
  const a = kerno("attack", "one-pixel", file, "--images", photos, "--count", "2", "--population", "20", "--generations", "3", "--json", "--out", out);
  assert.equal(a.status, 0, a.stderr);
  const attack = JSON.parse(a.stdout.trim().split("\n").pop()!);
  assert.equal(attack.attacked, 2);
  assert.equal(attack.results.length, 2);
  assert.deepEqual([attack.population, attack.generations], [20, 3]);
  for (const r of attack.results) assert.ok(r.evaluations <= 1 + 20 * 4, `${r.evaluations} evaluations`);
  assert.match(kerno("interpret", "filters", file).stderr, /--layer is required; layers: feat, flatten.*, out/);
  assert.match(kerno("interpret", "gradcam", file, join(photos, "a.png"), "--class", "5").stderr, /the model has 2 classes, got classIndex 5/);
});

test("kerno attack one-pixel --dataset mnist --from N goes on at test image N", { skip: needsData("MNIST", "mnist/t10k-images-idx3-ubyte.gz") }, () => {
  const dir = tempDir();
  const file = join(dir, "digits.kerno");
  const model = new Sequential([Input({ shape: [28, 28, 1] }), new Flatten(), new Dense({ units: 10, activation: "softmax" })]);
  model.save(file);
  const r = kerno(
    "attack",
    "one-pixel",
    file,
    "--dataset",
    "mnist",
    "--from",
    "5",
    "--count",
    "2",
    "--population",
    "10",
    "--generations",
    "1",
    "--json",
    "--out",
    dir,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^mnist-test-5: /m);
  assert.match(r.stdout, /^mnist-test-6: /m);
  assert.doesNotMatch(r.stdout, /^mnist-test-[0-4]: /m);
});
