import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { mnist } from "@kerno/node/data/mnist.js";
import sharp from "sharp";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { DATA_DIR, needsData } from "../../packages/node/test/helpers/data.js";
import { modelFrom, train } from "../../src/cli/commands.js";
import { Dense, GlobalAveragePooling2D, Input, loadModel, Rescaling, Sequential } from "../../src/index.js";

const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
const shared = DATA_DIR;
const runs = tempDir("kerno-runs-");
const env = { ...process.env, KERNO_DATA_DIR: shared, KERNO_RUNS_DIR: runs };
const kerno = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env });
const skip = needsData("MNIST", "mnist/train-images-idx3-ubyte.gz");
const out = tempDir();

test("kerno summary and plot-model work on a recipe name", () => {
  const s = kerno("summary", "mnist-cnn");
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stdout, /Total params: 104,202/);
  const p = kerno("plot-model", "mnist-dense", join(out, "dense.svg"));
  assert.equal(p.status, 0, p.stderr);
  assert.ok(existsSync(join(out, "dense.svg")) && existsSync(join(out, "dense.dot")));
  assert.match(kerno("summary", "nope").stderr, /'nope' is neither a recipe/);
});

test("kerno train --json ends with one JSON object; evaluate and predict use the saved model", { skip }, async () => {
  const t = kerno("train", "mnist-dense", "--epochs", "1", "--json", "--out", out, "--seed", "2");
  assert.equal(t.status, 0, t.stderr);
  const last = t.stdout.trim().split("\n").pop()!;
  const result = JSON.parse(last);
  assert.equal(result.recipe, "mnist-dense");
  assert.ok(["native", "js"].includes(result.backend));
  for (const key of ["epochs", "wallSeconds", "train", "validation", "test", "modelPath"]) assert.ok(key in result, key);
  assert.ok(result.test.accuracy > 0.9);
  // the run folder: config, a finished status, one epoch of history, the summary and the report
  assert.ok(result.runDir.startsWith(runs), result.runDir);
  for (const f of ["config.json", "status.json", "history.csv", "summary.txt", "report.json"]) assert.ok(existsSync(join(result.runDir, f)), f);
  const listed = JSON.parse(kerno("runs", "--json").stdout) as { status: string; epochs: number; best: { metric: string } | null; name: string }[];
  const mine = listed.find((r) => r.name === "mnist-dense")!;
  assert.deepEqual([mine.status, mine.epochs, mine.best?.metric], ["finished", 1, "val_accuracy"]);
  const e = kerno("evaluate", result.modelPath, "mnist");
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /mnist test set \(10000 images\): loss [\d.]+, accuracy 0\.9\d+/);
  // three test digits as PNGs, in MNIST's own colors
  const { test: testSet } = await mnist();
  const images = testSet.images.floats();
  const files: string[] = [];
  for (let i = 0; i < 3; i++) {
    const file = join(out, `digit${i}.png`);
    await sharp(Buffer.from(images.subarray(i * 784, (i + 1) * 784)), { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toFile(file);
    files.push(file);
  }
  const p = kerno("predict", result.modelPath, ...files, "--json");
  assert.equal(p.status, 0, p.stderr);
  const preds = JSON.parse(p.stdout.trim().split("\n").pop()!);
  const labels = Array.from(testSet.labels.data()).slice(0, 3).map(String);
  assert.deepEqual(
    preds.map((r: { top: { class: string }[] }) => r.top[0].class),
    labels,
  );
  assert.match(p.stdout, /digit0.png: 7 \(\d+\.\d%\)/);
});

test("bad commands fail with a message", () => {
  assert.match(
    kerno("train").stderr,
    /name a recipe \(mnist-dense, mnist-cnn, traffic-forecast, house-prices.*\) or give --images DIR, --csv FILE --target COL or --series FILE --column COL/,
  );
  assert.match(kerno("train", "mnist-dense", "--epochs", "x").stderr, /--epochs needs a non-negative integer/);
  assert.match(kerno("evaluate", "nofile.kerno", "mnist").stderr, /cannot read the file/);
});

test("kerno predict on photos: resized to the model's input, a sigmoid output ranked as two named classes", async () => {
  // a "redness" detector: the mean of red minus blue, through one sigmoid unit
  const model = new Sequential([
    Input({ shape: [8, 6, 3] }),
    new Rescaling({ scale: 1 / 255 }),
    new GlobalAveragePooling2D(),
    new Dense({ units: 1, activation: "sigmoid" }),
  ]);
  model.getLayer(model.layers[2].name).weights[0].values.set([-10, 0, 10]);
  model.classNames = ["red", "blue"];
  const file = join(out, "redness.kerno");
  model.save(file);
  const photos = [
    ["red.jpg", { r: 230, g: 20, b: 20 }],
    ["blue.png", { r: 20, g: 20, b: 230 }],
  ] as const;
  for (const [name, background] of photos)
    await sharp({ create: { width: 40, height: 30, channels: 3, background } })
      .toFormat(name.endsWith("png") ? "png" : "jpeg")
      .toFile(join(out, name));
  const p = kerno("predict", file, ...photos.map(([name]) => join(out, name)), "--json");
  assert.equal(p.status, 0, p.stderr);
  const preds = JSON.parse(p.stdout.trim().split("\n").pop()!) as { top: { class: string; probability: number }[] }[];
  assert.deepEqual(
    preds.map((r) => r.top.map((t) => t.class)),
    [
      ["red", "blue"],
      ["blue", "red"],
    ],
  );
  assert.ok(preds.every((r) => Math.abs(r.top[0].probability + r.top[1].probability - 1) < 1e-6 && r.top[0].probability > 0.9));
  assert.match(p.stdout, /red\.jpg: red \(\d+\.\d%\), blue \(\d+\.\d%\)/);
  assert.match(kerno("predict", file).stderr, /usage: kerno predict <model file> <image \.\.\.>/);
});

test("kerno train --csv then kerno predict on new rows of the table", () => {
  const dir = tempDir();
  const csv = join(dir, "t.csv");
  const rows = Array.from({ length: 120 }, (_, i) => `${i % 10},${(i * 37) % 11},${(i % 10) + 2 * ((i * 37) % 11) + 0.1 * (i % 3)}`);
  writeFileSync(csv, `a,b,y\n${rows.join("\n")}\n`);
  const trained = kerno("train", "--csv", csv, "--target", "y", "--epochs", "3", "--out", dir, "--json");
  assert.equal(trained.status, 0, trained.stderr);
  const result = JSON.parse(trained.stdout.trim().split("\n").pop()!);
  assert.equal(result.task, "regression");
  writeFileSync(join(dir, "new.csv"), "a,b\n1,2\n3,4\n");
  const p = kerno("predict", join(dir, "table-model.kerno"), join(dir, "new.csv"), "--json");
  assert.equal(p.status, 0, p.stderr);
  assert.match(p.stdout, /new\.csv row 2: y -?\d/);
  assert.match(kerno("predict", join(dir, "table-model.kerno"), csv.replace("t.csv", "missing.csv")).stderr, /cannot read/);
  // a run that fails is listed as failed
  assert.notEqual(kerno("train", "--csv", join(dir, "nothing.csv"), "--target", "y").status, 0);
  const listed = JSON.parse(kerno("runs", "--json").stdout) as { name: string; status: string }[];
  assert.ok(listed.some((r) => r.name === "csv" && r.status === "failed"));
  assert.match(kerno("runs").stdout, /run\s+started\s+status\s+epochs\s+best validation\s+duration/);
});

test("kerno train --distributed names the recipes that take it", async () => {
  await assert.rejects(train(["house-prices", "--distributed"]), /--distributed works with mnist-dense, mnist-cnn \(not house-prices\)/);
});

test("kerno export <model> out.keras writes the archive", async () => {
  const out = join(tempDir(), "cnn.keras");
  const r = spawnSync(process.execPath, [fileURLToPath(new URL("../../bin/kerno.js", import.meta.url)), "export", "mnist-cnn", out], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*cnn\.keras \(Keras 3 archive/);
  const [loaded, original] = [await loadModel(out), await modelFrom("mnist-cnn", "test")];
  assert.deepEqual(
    loaded.layers.map((l) => l.className),
    original.layers.map((l) => l.className),
  );
  assert.equal(loaded.countParams(), original.countParams());
});

test("kerno export <model> out.onnx writes the ONNX file", () => {
  const out = join(tempDir(), "cnn.onnx");
  const r = spawnSync(process.execPath, [bin, "export", "mnist-cnn", out], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*cnn\.onnx \(ONNX opset 17, input batchx28x28x1\)/);
  assert.ok(existsSync(out));
});
