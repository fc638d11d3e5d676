import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { zipSync } from "fflate";
import h5wasm from "h5wasm/node";
import { Dense, Input, loadModel, modelFormat, randomNormal, Sequential, type Tensor } from "../../src/index.js";
import { writeKeras3Weights, writeLegacyWeights } from "../helpers/keras-h5.js";
import { tempDir } from "../helpers/tmp.js";

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
