import assert from "node:assert/strict";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tensor } from "@kerno/core";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { loadTfjsModel } from "../../src/interop/tfjs.js";
import { dataPath, needsData } from "../helpers/data.js";

const data = dataPath("imagenet-pretrained");
const skip = needsData("Tiny Darknet", "imagenet-pretrained/tiny_darknet_tfjs/model.json");
const expected = skip ? null : JSON.parse(readFileSync(join(data, "expected_predictions.json"), "utf8"));
const top5 = (p: Float32Array) =>
  Array.from(p.keys())
    .sort((a, b) => p[b] - p[a])
    .slice(0, 5);

test("Tiny Darknet (TF.js layers model): 1,046,488 parameters, and the reference logits on synthetic inputs", { skip }, () => {
  const model = loadTfjsModel(join(data, "tiny_darknet_tfjs/model.json"));
  assert.equal(model.countParams(), 1046488);
  assert.equal(model.layers.length, 52);
  const ramp = new Float32Array(224 * 224 * 3);
  for (let h = 0; h < 224; h++) for (let w = 0; w < 224; w++) ramp.set([(h + w) / 446, (h + 223 - w) / 446, 0.25], (h * 224 + w) * 3);
  for (const [name, x] of [
    ["constant_0.5", new Float32Array(224 * 224 * 3).fill(0.5)],
    ["ramp", ramp],
  ] as const) {
    const logits = (model.predict(tensor(x, [1, 224, 224, 3])) as ReturnType<typeof tensor>).floats();
    const want = expected.synthetic[name];
    assert.deepEqual(
      top5(logits),
      want.top5.map((t: { darknet_index: number }) => t.darknet_index),
      name,
    );
    want.logits_first5.forEach((v: number, i: number) => assert.ok(Math.abs(logits[i] - v) < 1e-3, `${name} logit ${i}: ${logits[i]} vs ${v}`));
    assert.ok(Math.abs(logits.reduce((a, b) => a + b, 0) - want.logits_sum) < 1e-2);
  }
});

test("bad TF.js models: an unknown layer class and a weight of the wrong shape are named", () => {
  const dir = tempDir();
  const topology = (layerClass: string) => ({
    modelTopology: {
      class_name: "Sequential",
      config: { name: "m", layers: [{ class_name: layerClass, config: { name: "d", units: 2, batch_input_shape: [null, 3] } }] },
    },
    weightsManifest: [
      {
        paths: ["w.bin"],
        weights: [
          { name: "d/kernel", shape: [3, 2], dtype: "float32" },
          { name: "d/bias", shape: [2], dtype: "float32" },
        ],
      },
    ],
  });
  writeFileSync(join(dir, "w.bin"), Buffer.from(new Float32Array(8).buffer));
  writeFileSync(join(dir, "ok.json"), JSON.stringify(topology("Dense")));
  assert.equal(loadTfjsModel(join(dir, "ok.json")).countParams(), 8);
  writeFileSync(join(dir, "lambda.json"), JSON.stringify(topology("Lambda")));
  assert.throws(() => loadTfjsModel(join(dir, "lambda.json")), /unknown layer class 'Lambda'/);
  const wrong = topology("Dense");
  wrong.weightsManifest[0].weights[0].shape = [2, 3];
  writeFileSync(join(dir, "wrong.json"), JSON.stringify(wrong));
  assert.throws(() => loadTfjsModel(join(dir, "wrong.json")), /weight 'd\/kernel' is \[3,2\] in the model but \[2,3\] in the file/);
  mkdirSync(join(dir, "short"));
  writeFileSync(join(dir, "short", "model.json"), JSON.stringify(topology("Dense")));
  writeFileSync(join(dir, "short", "w.bin"), Buffer.alloc(28));
  assert.throws(
    () => loadTfjsModel(join(dir, "short", "model.json")),
    /the weight shards \(w.bin\) end before 'd\/bias': expected at least 32 bytes, found 28/,
  );
  writeFileSync(join(dir, "graph.json"), JSON.stringify({ format: "graph-model", modelTopology: {}, weightsManifest: [] }));
  assert.throws(() => loadTfjsModel(join(dir, "graph.json")), /a TensorFlow.js graph-model, not a layers model/);
});

/** A TF.js model.json for Sequential([Dense(units) on `inputs` features]) whose one shard is `paths`. */
const denseJson = (paths: unknown, inputs: number, units: number, shape?: unknown) => ({
  format: "layers-model",
  modelTopology: {
    class_name: "Sequential",
    config: { name: "m", layers: [{ class_name: "Dense", config: { name: "d", units, batch_input_shape: [null, inputs] } }] },
  },
  weightsManifest: [
    {
      paths,
      weights: [
        { name: "d/kernel", shape: shape ?? [inputs, units], dtype: "float32" },
        { name: "d/bias", shape: [units], dtype: "float32" },
      ],
    },
  ],
});

test("a shard path that leaves the model's folder (.., absolute, a symlink) is refused and named, even when its bytes would fit", () => {
  const dir = tempDir();
  // a 'secret' outside the model's folder, exactly the size of a Dense 16x16 (1088 bytes)
  const secret = join(dir, "secret.bin");
  writeFileSync(secret, Buffer.alloc(16 * 16 * 4 + 16 * 4, 7));
  mkdirSync(join(dir, "model"));
  symlinkSync(secret, join(dir, "model", "link.bin"));
  for (const p of ["../secret.bin", secret, "link.bin", "../../../../../../../../etc/passwd"]) {
    writeFileSync(join(dir, "model", "model.json"), JSON.stringify(denseJson([p], 16, 16)));
    assert.throws(
      () => loadTfjsModel(join(dir, "model", "model.json")),
      (err: Error) => err.constructor === Error && err.message.includes(join(dir, "model", "model.json")) && err.message.includes(`weight shard '${p}'`),
      p,
    );
  }
  // the same bytes inside the folder load
  writeFileSync(join(dir, "model", "inside.bin"), readFileSync(secret));
  writeFileSync(join(dir, "model", "model.json"), JSON.stringify(denseJson(["inside.bin"], 16, 16)));
  assert.equal(loadTfjsModel(join(dir, "model", "model.json")).countParams(), 272);
  // one shard listed many times would be read and allocated for as many times
  writeFileSync(join(dir, "model", "model.json"), JSON.stringify(denseJson(["inside.bin", "./inside.bin"], 16, 16)));
  assert.throws(() => loadTfjsModel(join(dir, "model", "model.json")), /weight shard '\.\/inside\.bin' is listed more than once in weightsManifest/);
  writeFileSync(join(dir, "model", "model.json"), JSON.stringify(denseJson(["."], 16, 16)));
  assert.throws(
    () => loadTfjsModel(join(dir, "model", "model.json")),
    /weight shard '\.': expected a file inside the model's folder .*, found the folder itself/,
  );
});

test("a TF.js manifest's shapes are checked against the shards' bytes before anything is allocated", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "w.bin"), Buffer.alloc(1088));
  const cases: [unknown, number, RegExp][] = [
    [[16, 150_000_000], 150_000_000, /the weight shards \(w.bin\) end before 'd\/kernel': expected at least 9600000000 bytes, found 1088/],
    [[-4, -16], 16, /weightsManifest\[0\].weights\[0\].shape\[0\]: expected an integer >= 0, found the number -4/],
    [[16, null], 16, /weightsManifest\[0\].weights\[0\].shape\[1\]: expected an integer >= 0, found null/],
    [[1e15, 1e15], 16, /end before 'd\/kernel'/],
    [[1e300, 2], 16, /shape\[0\]: expected an integer >= 0, found the number 1e\+300/],
  ];
  for (const [shape, units, message] of cases) {
    writeFileSync(join(dir, "model.json"), JSON.stringify(denseJson(["w.bin"], 16, units, shape)));
    const before = process.memoryUsage().rss;
    assert.throws(() => loadTfjsModel(join(dir, "model.json")), message);
    assert.ok(process.memoryUsage().rss - before < 100e6, `${JSON.stringify(shape)}: memory grew by ${process.memoryUsage().rss - before} bytes`);
  }
  // a manifest that fits its shard but an architecture that asks for far more: refused before building
  writeFileSync(join(dir, "model.json"), JSON.stringify({ ...denseJson(["w.bin"], 16, 16), modelTopology: denseJson([], 16, 150_000_000).modelTopology }));
  assert.throws(
    () => loadTfjsModel(join(dir, "model.json")),
    /the architecture declares more weights than the file holds: with Dense 'd''s 'kernel' \[16, 150000000\]/,
  );
});

test("malformed model.json structures are errors naming the file, what was expected and what was found", () => {
  const dir = tempDir();
  const path = join(dir, "model.json");
  const good = denseJson(["w.bin"], 2, 2);
  writeFileSync(join(dir, "w.bin"), Buffer.alloc(24));
  const cases: [unknown, RegExp][] = [
    [{ ...good, weightsManifest: 5 }, /weightsManifest: expected an array, found the number 5/],
    [{ ...good, weightsManifest: [null] }, /weightsManifest\[0\]: expected an object, found null/],
    [{ ...good, weightsManifest: [{ paths: "w.bin", weights: [] }] }, /weightsManifest\[0\].paths: expected an array, found the string "w.bin"/],
    [{ ...good, weightsManifest: [{ paths: [3], weights: [] }] }, /weightsManifest\[0\].paths\[0\]: expected a string, found the number 3/],
    [{ ...good, modelTopology: { class_name: "Sequential", config: { layers: [null] } } }, /Sequential's layers\[0\]: expected an object, found null/],
    [{ ...good, modelTopology: { class_name: "Sequential", config: null } }, /Sequential's config: expected an object, found null/],
    [{ ...good, modelTopology: { class_name: 7 } }, /the model config's class_name: expected a string, found the number 7/],
    [[1, 2], /model.json: expected an object, found an array of 2/],
  ];
  for (const [json, message] of cases) {
    writeFileSync(path, JSON.stringify(json));
    assert.throws(
      () => loadTfjsModel(path),
      (err: Error) => err.constructor === Error && err.message.startsWith(`loadModel: ${path}: `) && message.test(err.message),
      `${JSON.stringify(json).slice(0, 80)} -> ${message}`,
    );
  }
  writeFileSync(path, '{"modelTopology": ');
  assert.throws(() => loadTfjsModel(path), /model.json: expected JSON, found text that does not parse/);
});
