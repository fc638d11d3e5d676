/**
 * model.save("x.keras") writes Keras 3's archive: checked against Keras's format (saving_lib:
 * metadata.json, config.json of serialized objects, model.weights.h5 keyed by class and Keras's
 * layer order) and round-tripped through kerno's .keras loader for every layer Keras has.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Add, Bidirectional, Conv2D, Dense, Flatten, Input, LSTM, MaxPooling2D, Model, randomNormal, Sequential, type Tensor } from "@kerno/core";
import { PreprocessInput } from "@kerno/core/layers/preprocess-input.js";
import { unzipSync } from "fflate";
import h5wasm from "h5wasm/node";
import { caseData, caseModel, layerCases } from "../../../core/test/helpers/layer-cases.js";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { loadModel, modelFormat } from "../../src/index.js";

const dir = tempDir();
type Json = Record<string, unknown>;
type Group = InstanceType<typeof h5wasm.Group>;
type Dataset = InstanceType<typeof h5wasm.Dataset>;

/** The archive's members, and its weights file opened through h5wasm. */
async function openArchive(path: string): Promise<{ names: string[]; config: Json; metadata: Json; weights: InstanceType<typeof h5wasm.File> }> {
  const files = unzipSync(readFileSync(path));
  await h5wasm.ready;
  const h5 = join(dir, `${Math.random().toString(36).slice(2)}.h5`);
  writeFileSync(h5, files["model.weights.h5"]);
  const json = (name: string) => JSON.parse(new TextDecoder().decode(files[name])) as Json;
  return { names: Object.keys(files).sort(), config: json("config.json"), metadata: json("metadata.json"), weights: new h5wasm.File(h5, "r") };
}

const KERAS_ONLY_NOT = new Set(["PreprocessInput", "HierarchyCombine"]);

for (const [name, c] of Object.entries(layerCases)) {
  if (c === "input" || KERAS_ONLY_NOT.has(name)) continue;
  test(`${name}: a .keras archive loads back with the same config and predictions`, async () => {
    const { model, layer } = caseModel(c);
    const path = join(dir, `${name}.keras`);
    await model.save(path);
    assert.equal(modelFormat(path), "keras");
    const loaded = await loadModel(path);
    assert.deepEqual(loaded.getLayer(layer.name).getConfig(), layer.getConfig());
    const data = caseData(c);
    assert.deepEqual(Array.from((loaded.predict(data) as Tensor).floats()), Array.from((model.predict(data) as Tensor).floats()));
  });
}

test("the archive follows Keras 3's format: members, serialized objects, snake_case options", async () => {
  const model = new Sequential([
    Input({ shape: [28, 28, 1] }),
    new Conv2D({ filters: 4, kernelSize: 3, activation: "relu", kernelRegularizer: { l2: 0.01 }, name: "features" }),
    new MaxPooling2D({ poolSize: 2 }),
    new Flatten(),
    new Dense({ units: 10, activation: "softmax", name: "classes" }),
  ]);
  const path = join(dir, "mnist.keras");
  await model.save(path);
  const { names, config, metadata, weights } = await openArchive(path);
  assert.deepEqual(names, ["config.json", "metadata.json", "model.weights.h5"]);
  assert.match(String(metadata.keras_version), /^3\.\d+\.\d+$/);
  assert.match(String(metadata.date_saved), /^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$/);
  assert.equal(config.class_name, "Sequential");
  assert.equal(config.module, "keras");
  const layers = (config.config as Json).layers as Json[];
  assert.deepEqual(
    layers.map((l) => l.class_name),
    ["InputLayer", "Conv2D", "MaxPooling2D", "Flatten", "Dense"],
  );
  assert.deepEqual((layers[0].config as Json).batch_shape, [null, 28, 28, 1]);
  const conv = layers[1].config as Json;
  assert.equal(layers[1].module, "keras.layers");
  assert.equal(layers[1].registered_name, null);
  assert.deepEqual(conv.kernel_size, [3, 3]);
  assert.deepEqual(conv.kernel_initializer, { module: "keras.initializers", class_name: "GlorotUniform", config: { seed: null }, registered_name: null });
  assert.deepEqual(conv.kernel_regularizer, { module: "keras.regularizers", class_name: "L2", config: { l2: 0.01 }, registered_name: null });
  assert.deepEqual(conv.dtype, { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null });
  for (const l of layers) for (const key of Object.keys(l.config as Json)) assert.match(key, /^[a-z0-9_]+$/, `${String(l.class_name)}: option ${key}`);
  // weights keyed by class, not by the layers' names
  const kernel = weights.get("layers/conv2d/vars/0") as Dataset;
  assert.deepEqual(kernel.shape, [3, 3, 1, 4]);
  assert.deepEqual(Array.from(kernel.value as Float32Array), Array.from(model.getLayer("features").weights[0].values));
  assert.deepEqual((weights.get("layers/dense/vars/1") as Dataset).shape, [10]);
  assert.deepEqual((weights.get("layers/flatten/vars") as Group).keys(), []);
  assert.ok(weights.get("vars"));
  weights.close();
});

test("functional models: Keras's layer order keys the weights, inbound nodes hold keras tensors", async () => {
  const x = Input({ shape: [4] });
  const a = new Dense({ units: 3, name: "short" });
  const b = new Dense({ units: 5, name: "long_first" });
  const c = new Dense({ units: 3, name: "long_second" });
  const model = new Model({ inputs: x, outputs: new Add({ name: "sum" }).apply([a.apply(x), c.apply(b.apply(x))]) });
  const path = join(dir, "branches.keras");
  await model.save(path);
  const { config, weights } = await openArchive(path);
  // Keras's map_graph: by depth from the output (input 3, long_first 2, short and long_second 1, add 0),
  // ties in the order a walk back from the output meets them (short before long_second)
  const layers = (config.config as Json).layers as Json[];
  assert.deepEqual(
    layers.map((l) => l.name),
    [model.inputs[0].node.layer.name, "long_first", "short", "long_second", "sum"],
  );
  const values = (key: string) => Array.from((weights.get(`layers/${key}/vars/0`) as Dataset).value as Float32Array);
  assert.deepEqual(values("dense"), Array.from(b.weights[0].values));
  assert.deepEqual(values("dense_1"), Array.from(a.weights[0].values));
  assert.deepEqual(values("dense_2"), Array.from(c.weights[0].values));
  weights.close();
  const add = layers[4].inbound_nodes as { args: Json[][]; kwargs: Json }[];
  assert.deepEqual(
    add[0].args[0].map((t) => (t.config as Json).keras_history),
    [
      ["short", 0, 0],
      ["long_second", 0, 0],
    ],
  );
  assert.deepEqual(((add[0].args[0][0].config as Json).shape as unknown[]).slice(), [null, 3]);
  const loaded = await loadModel(path);
  const data = randomNormal([2, 4], 0, 1, { seed: 5 });
  assert.deepEqual(Array.from((loaded.predict(data) as Tensor).floats()), Array.from((model.predict(data) as Tensor).floats()));
});

test("recurrent variables sit in cell/, a Bidirectional's in forward_layer/ and backward_layer/, nested models under layers/", async () => {
  const inner = new Sequential([Input({ shape: [6, 2] }), new LSTM({ units: 3, returnSequences: true })], { name: "encoder" });
  const x = Input({ shape: [6, 2] });
  const model = new Model({ inputs: x, outputs: new Dense({ units: 1 }).apply(new Bidirectional({ layer: new LSTM({ units: 2 }) }).apply(inner.apply(x))) });
  const path = join(dir, "nested.keras");
  await model.save(path);
  const { weights } = await openArchive(path);
  assert.deepEqual((weights.get("layers/sequential/layers/lstm/cell/vars/0") as Dataset).shape, [2, 12]);
  assert.deepEqual((weights.get("layers/sequential/layers/lstm/vars") as Group).keys(), []);
  assert.deepEqual((weights.get("layers/bidirectional/forward_layer/cell/vars/1") as Dataset).shape, [2, 8]);
  assert.deepEqual((weights.get("layers/bidirectional/backward_layer/cell/vars/2") as Dataset).shape, [8]);
  weights.close();
  const loaded = await loadModel(path);
  const data = randomNormal([2, 6, 2], 0, 1, { seed: 6 });
  assert.deepEqual(Array.from((loaded.predict(data) as Tensor).floats()), Array.from((model.predict(data) as Tensor).floats()));
});

test("a layer Keras does not have is an error naming it, and nothing is written", async () => {
  const x = Input({ shape: [2, 2, 3] });
  const model = new Model({ inputs: x, outputs: new Flatten().apply(new PreprocessInput({ mode: "caffe" }).apply(x)) });
  const path = join(dir, "caffe.keras");
  await assert.rejects(model.save(path), /save: .*caffe.keras: PreprocessInput 'preprocess_input\w*': Keras has no PreprocessInput layer/);
  assert.equal(existsSync(path), false);
  await assert.rejects(new Sequential([new Dense({ units: 2 })]).save(join(dir, "unbuilt.keras")), /no input shape yet/);
});
