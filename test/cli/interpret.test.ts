import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { writeLegacyWeights } from "../../packages/node/test/helpers/keras-h5.js";
import { filterList } from "../../src/cli/interpret.js";
import { Conv2D, Dense, div, Flatten, filterActivation, Input, loadImage, MobileNetV2, reshape, Sequential, sub, tensor } from "../../src/index.js";

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
    // saliency maps the input: it takes no --layer (and says so rather than ignoring it)
    const layer = what === "saliency" ? [] : ["--layer", "feat"];
    const r = kerno("interpret", what, file, join(photos, "a.png"), ...layer, "--out", out, "--json");
    assert.equal(r.status, 0, `${what}: ${r.stderr}`);
  }
  assert.match(kerno("interpret", "saliency", file, join(photos, "a.png"), "--layer", "feat").stderr, /kerno interpret saliency: unknown option --layer/);
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

test("kerno interpret activation reads one filter on one photo; --filter picks one filter to draw; --activation is refused", async () => {
  const dir = tempDir();
  const model = new Sequential([Input({ shape: [8, 8, 3] }), new Conv2D({ filters: 3, kernelSize: 3, activation: "relu", name: "feat" }), new Flatten()]);
  const file = join(dir, "m.kerno");
  model.save(file);
  const photo = join(dir, "p.png");
  await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .png()
    .toFile(photo);
  const r = kerno("interpret", "activation", file, photo, "--layer", "feat", "--filter", "2", "--input-scale", "255", "--json");
  assert.equal(r.status, 0, r.stderr);
  const readout = JSON.parse(r.stdout.trim().split("\n").pop()!);
  const x = tensor(
    new Float32Array(8 * 8 * 3).map((_, i) => [200, 40, 90][i % 3]),
    [1, 8, 8, 3],
  );
  const expected = filterActivation(model, "feat", x, 2);
  assert.deepEqual({ ...readout, layer: undefined, image: undefined }, { ...expected, layer: undefined, image: undefined });
  assert.match(r.stdout, /filter 2 of feat on .*p\.png: mean activation .* of the layer's 3 filters on this photo/);
  const one = kerno("interpret", "filters", file, "--layer", "feat", "--filter", "1", "--out", dir, "--json");
  assert.equal(one.status, 0, one.stderr);
  assert.deepEqual(
    JSON.parse(one.stdout.trim().split("\n").pop()!).filters.map((f: { filter: number }) => f.filter),
    [1],
  );
  assert.match(kerno("interpret", "filters", file, "--layer", "feat", "--activation", "relu").stderr, /unknown option --activation/);
  assert.match(kerno("interpret", "activation", file, photo, "--layer", "feat").stderr, /--filter N is required/);
  assert.match(kerno("interpret", "activation", file, photo, "--layer", "feat", "--filter", "7").stderr, /layer 'feat' has 3 filters \(0 to 2\), got 7/);
});

test("an architecture name without cached ImageNet weights says loudly that its weights are random; with them cached it loads them", async () => {
  const data = tempDir();
  const env = { ...process.env, KERNO_DATA_DIR: data };
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env });
  const photo = join(data, "p.png");
  await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 20, g: 140, b: 90 } } })
    .png()
    .toFile(photo);
  const args = ["interpret", "activation", "mobilenetv2", photo, "--layer", "Conv1", "--filter", "0", "--json"];
  const random = run(...args);
  assert.equal(random.status, 0, random.stderr);
  assert.match(
    random.stderr,
    /WARNING: mobilenetv2 has RANDOM weights: ImageNet's are not in the data cache \(.*mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1\.0_224\.h5\)/,
  );
  assert.match(random.stderr, /--weights imagenet/);
  // a summary needs no weights and says nothing about them
  assert.doesNotMatch(run("summary", "mobilenetv2").stderr, /WARNING/);
  // the same file in the cache (written here: the real one cannot be downloaded) is loaded, silently
  const cached = await MobileNetV2({ weights: null });
  mkdirSync(join(data, "keras-applications"));
  await writeLegacyWeights(cached, join(data, "keras-applications/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"));
  const loaded = run(...args);
  assert.equal(loaded.status, 0, loaded.stderr);
  assert.doesNotMatch(loaded.stderr, /WARNING/);
  const x = await loadImage(photo, { size: [224, 224] });
  // MobileNetV2's own preprocessing (Keras's preprocess_input: pixels to [-1, 1]) before the network
  const expected = filterActivation(cached, "Conv1", reshape(sub(div(x, 127.5), 1), [1, 224, 224, 3]), 0);
  const got = JSON.parse(loaded.stdout.trim().split("\n").pop()!).activation;
  assert.ok(Math.abs(got - expected.activation) < 1e-4, `${got} vs ${expected.activation}`);
  assert.match(run("interpret", "activation", "mnist-cnn", photo, "--layer", "conv2d", "--filter", "0").stderr, /untrained network: its weights are random/);
});
