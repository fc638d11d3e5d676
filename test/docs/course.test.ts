/**
 * docs/course.md cannot rot: every TypeScript block in it is a #region of a file in examples/
 * (and every region is shown), and every example runs here on small data.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { dataPath, needsData } from "../../packages/node/test/helpers/data.js";
import { makePhotoSplits } from "../../packages/node/test/helpers/photos.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const examples = join(root, "examples");

/** The regions of the example files, dedented, by name. */
function regions(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(examples).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(examples, f), "utf8");
    for (const m of text.matchAll(/\/\/ #region ([\w-]+)\n([\s\S]*?)\n\s*\/\/ #endregion/g)) {
      const lines = m[2].split("\n");
      const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
      out.set(m[1], lines.map((l) => l.slice(indent)).join("\n"));
    }
  }
  return out;
}

test("every TypeScript block of the course guide is an example's region, and every region is in the guide", () => {
  const guide = readFileSync(join(root, "docs", "course.md"), "utf8");
  const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((m) => m[1]);
  const all = regions();
  assert.equal(all.size, 8);
  for (const b of blocks) assert.ok([...all.values()].includes(b), `a block of docs/course.md is not an example region:\n${b.slice(0, 200)}`);
  for (const [name, r] of all) assert.ok(blocks.includes(r), `region ${name} is not in docs/course.md`);
  for (let k = 1; k <= 9; k++) if (k !== 7) assert.match(guide, new RegExp(`^## ${k}[. ]`, "m"), `outcome ${k}`);
  assert.doesNotMatch(guide, /[A-Z]+_(RESULT|PENDING)/, "no placeholder left");
});

const has = (p: string) => !needsData(p, p);

test("the examples run: CNN, data, forecasting, regression, own data", async () => {
  const out = tempDir();
  const { run: build } = await import("../../examples/1-build-cnn.js");
  const built = build(out);
  assert.equal(built.sequential.countParams(), 104202);
  assert.equal(built.functional.countParams(), 104202);
  assert.ok(existsSync(join(out, "cnn.svg")));

  const photos = await makePhotoSplits({ train: 4, validation: 2, test: 2 });
  const csv = join(out, "t.csv");
  writeFileSync(csv, `a,b,colour,y\n${Array.from({ length: 60 }, (_, i) => `${i},${i % 7},${i % 2 ? "red" : "blue"},${2 * i + (i % 7)}`).join("\n")}\n`);
  const { run: prepare } = await import("../../examples/2-prepare-data.js");
  const data = await prepare(photos, csv, "y");
  assert.deepEqual(data.train.classNames, ["cats", "dogs"]);
  assert.deepEqual(data.x.shape, [60, 2]);
  assert.deepEqual(data.w.inputs.shape, [470, 6, 1]);

  const { run: forecast } = await import("../../examples/6-forecast.js");
  const series = Array.from({ length: 600 }, (_, t) => 10 + 5 * Math.sin((2 * Math.PI * t) / 24) + ((t * 7919) % 5) / 5);
  const f = await forecast(series, 2);
  assert.ok(Number.isFinite(f.lstm) && f.naive < 1 && f.holtWinters < 2, JSON.stringify(f));

  const { run: regression } = await import("../../examples/8-regression.js");
  const history = await regression(csv, "y", 20);
  assert.ok(history.history.loss.length > 0);

  const days = join(out, "days.csv");
  writeFileSync(
    days,
    `day,sales\n${Array.from({ length: 120 }, (_, d) => `${new Date(Date.UTC(2024, 0, 1) + d * 86400000).toISOString().slice(0, 10)},${100 + 20 * Math.sin((2 * Math.PI * d) / 7)}`).join("\n")}\n`,
  );
  const { run: own } = await import("../../examples/9-own-data.js");
  const results = await own({ photos: join(photos, "train"), csv, target: "y", series: days, column: "sales" }, out, 2);
  assert.deepEqual(
    results.map((r) => r.recipe),
    ["images", "csv", "series"],
  );
});

test("the MNIST example", { skip: has("mnist") ? false : "MNIST not in the data cache" }, async () => {
  const { run } = await import("../../examples/3-mnist.js");
  assert.ok((await run(3000, 1)) > 0.7);
});

test("the transfer-learning and interpretation examples on Tiny Darknet", {
  skip: has("imagenet-pretrained") ? false : "Tiny Darknet not in the data cache",
}, async () => {
  const photos = await makePhotoSplits({ train: 3, validation: 2, test: 0 });
  const { run: transfer } = await import("../../examples/4-transfer.js");
  const model = await transfer(photos, 1);
  assert.deepEqual(model.outputs[0].shape, [null, 1]);
  const { run: interpret } = await import("../../examples/5-interpret.js");
  const out = tempDir();
  const r = await interpret(dataPath("imagenet-pretrained", "images", "creative_commons_elephant.jpg"), out, {
    scales: 1,
    steps: 2,
    population: 10,
    generations: 1,
  });
  assert.ok(existsSync(join(out, "filter-0.png")) && existsSync(join(out, "gradcam.png")));
  assert.equal(r.cam.classIndex, 23);
  assert.equal(typeof r.attack.success, "boolean");
});
