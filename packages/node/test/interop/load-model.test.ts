import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Dense, Input, randomNormal, Sequential, type Tensor } from "@kerno/core";
import { unzipSync, zipSync } from "fflate";
import h5wasm from "h5wasm/node";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { loadModel, modelFormat } from "../../src/index.js";
import { writeKeras3Weights, writeLegacyWeights } from "../helpers/keras-h5.js";

const policy = { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null };
const dense = (name: string, units: number, activation: string) => ({
  module: "keras.layers",
  class_name: "Dense",
  registered_name: null,
  build_config: { input_shape: [null, 4] },
  config: {
    name,
    trainable: true,
    dtype: policy,
    units,
    activation,
    use_bias: true,
    kernel_initializer: { module: "keras.initializers", class_name: "GlorotUniform", config: { seed: null }, registered_name: null },
    bias_initializer: { module: "keras.initializers", class_name: "Zeros", config: {}, registered_name: null },
    kernel_regularizer: null,
    bias_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  },
});
/** A Keras 3 Sequential config.json, as model.save("m.keras") writes it. */
const keras3Config = {
  module: "keras",
  class_name: "Sequential",
  registered_name: null,
  config: {
    name: "sequential",
    trainable: true,
    dtype: policy,
    layers: [
      {
        module: "keras.layers",
        class_name: "InputLayer",
        registered_name: null,
        config: { batch_shape: [null, 4], dtype: "float32", sparse: false, name: "input_layer" },
      },
      dense("dense", 3, "relu"),
      dense("dense_1", 2, "softmax"),
    ],
    build_input_shape: [null, 4],
  },
  build_config: { input_shape: [null, 4] },
};

const reference = () =>
  new Sequential([
    Input({ shape: [4] }),
    new Dense({ units: 3, activation: "relu", name: "dense" }),
    new Dense({ units: 2, activation: "softmax", name: "dense_1" }),
  ]);
const x = randomNormal([3, 4], 0, 1, { seed: 1 });
const same = (a: Tensor, b: Tensor) => assert.deepEqual(Array.from(a.floats()), Array.from(b.floats()));

test("a Keras 3 .keras archive (config.json + model.weights.h5) loads as a whole model", async () => {
  const dir = tempDir();
  const ref = reference();
  const weights = join(dir, "w.h5");
  await writeKeras3Weights(ref, weights);
  const archive = join(dir, "m.keras");
  const enc = new TextEncoder();
  writeFileSync(
    archive,
    zipSync({
      "metadata.json": enc.encode(JSON.stringify({ keras_version: "3.6.0", date_saved: "2026-11-30@12:00:00" })),
      "config.json": enc.encode(JSON.stringify(keras3Config)),
      "model.weights.h5": readFileSync(weights),
    }),
  );
  assert.equal(modelFormat(archive), "keras");
  const model = await loadModel(archive);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ["dense", "dense_1"],
  );
  same(model.predict(x) as Tensor, ref.predict(x) as Tensor);
  writeFileSync(join(dir, "bad.keras"), zipSync({ "config.json": enc.encode("{}") }));
  await assert.rejects(loadModel(join(dir, "bad.keras")), /the .keras archive has no model.weights.h5/);
});

test("a Keras 2 whole-model .h5 (model_config + model_weights), and a weights-only .h5 says what to do", async () => {
  const dir = tempDir();
  const ref = reference();
  const weightsOnly = join(dir, "weights.h5");
  await writeLegacyWeights(ref, weightsOnly);
  assert.equal(modelFormat(weightsOnly), "keras-h5");
  await assert.rejects(loadModel(weightsOnly), /holds weights only \(no model_config\); build the architecture and call loadWeights/);
  // the same weights under model_weights, with the architecture as Keras 2 writes it
  await h5wasm.ready;
  const whole = join(dir, "model.h5");
  const src = new h5wasm.File(weightsOnly, "r");
  const f = new h5wasm.File(whole, "w");
  f.create_attribute(
    "model_config",
    JSON.stringify({
      class_name: "Sequential",
      config: {
        name: "sequential",
        layers: keras3Config.config.layers
          .slice(1)
          .map((l) => ({ class_name: l.class_name, config: { ...(l.config as object), dtype: "float32", batch_input_shape: [null, 4] } })),
      },
    }),
  );
  const g = f.create_group("model_weights");
  g.create_attribute("layer_names", ["dense", "dense_1"]);
  for (const name of ["dense", "dense_1"]) {
    const lg = g.create_group(name);
    const names = ((src.get(name) as InstanceType<typeof h5wasm.Group>).attrs as Record<string, { value: string[] }>).weight_names.value;
    lg.create_attribute("weight_names", names);
    const inner = lg.create_group(name);
    for (const n of names) {
      const d = src.get(`${name}/${n}`) as InstanceType<typeof h5wasm.Dataset>;
      inner.create_dataset({ name: n.split("/")[1], data: d.value as Float32Array, shape: d.shape as number[], dtype: "<f" });
    }
  }
  f.close();
  src.close();
  const model = await loadModel(whole);
  same(model.predict(x) as Tensor, ref.predict(x) as Tensor);
});

test("kerno's own files and TF.js model.json are recognized by content", async () => {
  const dir = tempDir();
  const ref = reference();
  ref.save(join(dir, "m.kerno"));
  assert.equal(modelFormat(join(dir, "m.kerno")), "kerno");
  same((await loadModel(join(dir, "m.kerno"))).predict(x) as Tensor, ref.predict(x) as Tensor);
  writeFileSync(join(dir, "model.json"), "{}");
  assert.equal(modelFormat(join(dir, "model.json")), "tfjs");
  await assert.rejects(loadModel(join(dir, "model.json")), /not a TensorFlow.js layers model/);
});

/** The error of loading `path`: an Error (not a TypeError, RangeError or SyntaxError) that names the file. */
async function loadError(path: string): Promise<string> {
  try {
    await loadModel(path);
  } catch (err) {
    assert.equal((err as Error).constructor, Error, `${path}: ${(err as Error).stack}`);
    assert.ok((err as Error).message.includes(path), (err as Error).message);
    return (err as Error).message;
  }
  throw new Error(`${path} loaded`);
}

/** An archive's members rewritten: names and bytes through `edit`, deflated (level 6) unless `level` says otherwise. */
function rezip(from: string, to: string, edit: (files: Record<string, Uint8Array>) => Record<string, Uint8Array> = (f) => f, level: 0 | 6 = 6) {
  writeFileSync(to, zipSync(edit(unzipSync(readFileSync(from))), { level }));
}
const configOf = (files: Record<string, Uint8Array>) => JSON.parse(new TextDecoder().decode(files["config.json"]));
const withConfig = (files: Record<string, Uint8Array>, config: unknown) => ({ ...files, "config.json": new TextEncoder().encode(JSON.stringify(config)) });

test("a .keras member whose name leaves the archive (.., absolute) is refused, naming it", async () => {
  const dir = tempDir();
  await reference().save(join(dir, "m.keras"));
  for (const name of ["../../evil.json", "/etc/evil.json", "assets/../../x"]) {
    rezip(join(dir, "m.keras"), join(dir, "bad.keras"), (f) => ({ ...f, [name]: new Uint8Array(3) }));
    assert.match(await loadError(join(dir, "bad.keras")), new RegExp(`member '${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}' of the archive has`));
  }
});

test("every bit flip inside a deflated .keras member is caught (CRC-32 or inflate), as zipfile.testzip() would", async () => {
  const dir = tempDir();
  await reference().save(join(dir, "m.keras"));
  const path = join(dir, "deflated.keras");
  rezip(join(dir, "m.keras"), path);
  assert.equal((await loadModel(path)).countParams(), 23);
  const bytes = readFileSync(path);
  // each member's compressed bytes: from after its local header to the next local header (or the central directory)
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const ranges: [number, number][] = [];
  for (let at = 0; view.getUint32(at, true) === 0x04034b50; ) {
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    ranges.push([start, start + view.getUint32(at + 18, true)]);
    at = start + view.getUint32(at + 18, true);
  }
  let flips = 0;
  // the last byte of a deflate stream may end in padding bits that inflate never reads: a flip there changes nothing
  for (const [start, end] of ranges)
    for (let at = start; at < end - 1; at += Math.max(1, Math.floor((end - 1 - start) / 12))) {
      const bad = Buffer.from(bytes);
      bad[at] ^= 1 << (at % 8);
      writeFileSync(join(dir, "flipped.keras"), bad);
      assert.match(await loadError(join(dir, "flipped.keras")), /member '.*' (is corrupt: CRC-32|does not inflate|holds \d+ bytes)/, `bit flip at byte ${at}`);
      flips++;
    }
  assert.ok(flips >= 24, `${flips} flips`);
});

test("an architecture that asks for more weights than the file holds is refused before allocating (.keras and Keras 2 .h5)", async () => {
  const dir = tempDir();
  await reference().save(join(dir, "m.keras"));
  const huge = (config: Record<string, unknown>, edit: (layers: Record<string, unknown>[]) => void) => {
    const c = structuredClone(config) as { config: { layers: Record<string, unknown>[] } };
    edit(c.config.layers);
    return c;
  };
  const files = unzipSync(readFileSync(join(dir, "m.keras")));
  const cases = [
    huge(configOf(files), (layers) => {
      (layers[1].config as Record<string, unknown>).units = 150_000_000;
    }),
    huge(configOf(files), (layers) => {
      (layers[0].config as Record<string, unknown>).batch_shape = [null, 20000, 20000];
      layers.splice(1, 0, { module: "keras.layers", class_name: "Flatten", config: { name: "flatten" } });
    }),
  ];
  for (const config of cases) {
    rezip(join(dir, "m.keras"), join(dir, "huge.keras"), (f) => withConfig(f, config), 0);
    const before = process.memoryUsage().rss;
    assert.match(await loadError(join(dir, "huge.keras")), /the architecture declares more weights than the file holds: with Dense '.*''s 'kernel'/);
    assert.ok(process.memoryUsage().rss - before < 100e6, `memory grew by ${process.memoryUsage().rss - before} bytes`);
  }
  // Keras 2 .h5: the same architecture as model_config beside a few bytes of weights
  await h5wasm.ready;
  const f = new h5wasm.File(join(dir, "huge.h5"), "w");
  f.create_attribute("model_config", JSON.stringify(cases[0]));
  f.create_group("model_weights").create_attribute("layer_names", ["dense"]);
  f.close();
  assert.match(await loadError(join(dir, "huge.h5")), /the architecture declares more weights than the file holds/);
});

test("damaged Keras files are errors naming the file and what was expected: a truncated .h5, a broken config.json", async () => {
  const dir = tempDir();
  const ref = reference();
  await ref.save(join(dir, "m.keras"));
  // a Keras 2 whole-model .h5, cut short
  await h5wasm.ready;
  const whole = join(dir, "whole.h5");
  const f = new h5wasm.File(whole, "w");
  f.create_attribute("model_config", JSON.stringify(configOf(unzipSync(readFileSync(join(dir, "m.keras"))))));
  const g = f.create_group("model_weights");
  g.create_attribute("layer_names", ["dense", "dense_1"]);
  for (const layer of ref.layers) {
    const lg = g.create_group(layer.name);
    lg.create_attribute("weight_names", ["kernel", "bias"]);
    layer.weights.forEach((w, i) => lg.create_dataset({ name: ["kernel", "bias"][i], data: w.floats(), shape: [...w.shape], dtype: "<f" }));
  }
  f.close();
  same((await loadModel(whole)).predict(x) as Tensor, ref.predict(x) as Tensor);
  const size = statSync(whole).size;
  for (const cut of [size - 8, Math.floor(size / 2), 1200, 100]) {
    writeFileSync(join(dir, "cut.h5"), readFileSync(whole).subarray(0, cut));
    assert.match(await loadError(join(dir, "cut.h5")), /(not a readable|corrupt) HDF5 file \(.*\)|not an HDF5 file/, `cut at ${cut}`);
  }
  const files = unzipSync(readFileSync(join(dir, "m.keras")));
  const broken: [unknown, RegExp][] = [
    [{ ...configOf(files), config: { ...configOf(files).config, layers: null } }, /config.json: Sequential's layers: expected an array, found null/],
    [{ ...configOf(files), config: { ...configOf(files).config, layers: [null] } }, /config.json: Sequential's layers\[0\]: expected an object, found null/],
    [
      { class_name: "Functional", config: { layers: [{ class_name: "Dense", config: {} }] } },
      /Functional's layers\[0\].name: expected a string, found undefined/,
    ],
    [null, /config.json: the model config: expected an object, found null/],
  ];
  for (const [config, message] of broken) {
    rezip(join(dir, "m.keras"), join(dir, "broken.keras"), (f) => withConfig(f, config), 0);
    assert.match(await loadError(join(dir, "broken.keras")), message);
  }
});
