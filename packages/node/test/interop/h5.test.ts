import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Dense, GRU, Input, Model, randomNormal, Sequential, type Tensor } from "@kerno/core";
import { zipSync } from "fflate";
import h5wasm from "h5wasm/node";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { loadModel } from "../../src/index.js";
import { loadKerasWeights } from "../../src/interop/h5.js";
import { writeKeras3Weights, writeLegacyWeights } from "../helpers/keras-h5.js";

const sameOutputs = (a: Model, b: Model, x: Tensor) =>
  assert.deepEqual(Array.from((a.predict(x) as Tensor).floats()), Array.from((b.predict(x) as Tensor).floats()));

test("weights for another architecture, a wrong shape, or a missing layer are clear errors", async () => {
  const dir = tempDir();
  const small = new Sequential([Input({ shape: [4] }), new Dense({ units: 3, name: "a" }), new Dense({ units: 2, name: "b" })]);
  const file = join(dir, "small.h5");
  await writeLegacyWeights(small, file);
  const deeper = new Sequential([Input({ shape: [4] }), ...["c", "d", "e"].map((name) => new Dense({ units: 2, name }))]);
  await assert.rejects(
    loadKerasWeights(deeper, file),
    /the file holds weights for 2 layers \(a, b\) but the model has 3 layers with weights .*another architecture/,
  );
  const wider = new Sequential([Input({ shape: [4] }), new Dense({ units: 5, name: "a" }), new Dense({ units: 2, name: "b" })]);
  await assert.rejects(loadKerasWeights(wider, file), /weight 0 of layer 'a' \(a\/kernel:0\) is \[4,5\] in the model but \[4,3\] in the file/);
  const renamed = new Sequential([Input({ shape: [4] }), new Dense({ units: 3, name: "x" }), new Dense({ units: 2, name: "y" })]);
  await loadKerasWeights(renamed, file);
  sameOutputs(small, renamed, randomNormal([2, 4], 0, 1, { seed: 3 }));
  await assert.rejects(loadKerasWeights(small, join(dir, "missing.h5")), /loadWeights: .*missing.h5: no such file/);
  writeFileSync(join(dir, "text.h5"), "hello");
  await assert.rejects(loadKerasWeights(small, join(dir, "text.h5")), /not an HDF5 file/);
});

test("Keras 3's .weights.h5 layout: layers keyed by class (not name), recurrent cells under cell/", async () => {
  const dir = tempDir();
  const x = Input({ shape: [5, 2] });
  const make = () => new Model({ inputs: x, outputs: new Dense({ units: 1, name: "head" }).apply(new GRU({ units: 3, name: "gru" }).apply(x)) });
  const a = make();
  const file = join(dir, "model.weights.h5");
  await writeKeras3Weights(a, file);
  const b = make();
  await loadKerasWeights(b, file);
  sameOutputs(a, b, randomNormal([2, 5, 2], 0, 1, { seed: 4 }));
});

test("an HDF5 file that makes the library loop forever is stopped and named, and the next file reads", async () => {
  // found by test/fuzz/formats.test.ts: 12 bytes inserted into a Keras 2 .h5 send HDF5 into an endless loop reading model_config
  const looping = fileURLToPath(new URL("../fixtures/hdf5-loops.h5", import.meta.url));
  await assert.rejects(loadModel(looping), (err: Error) => {
    assert.match(err.message, /hdf5-loops\.h5: the HDF5 library did not finish reading the file within 3 s: the file is damaged/);
    return true;
  });
  const dir = tempDir();
  const model = new Sequential([Input({ shape: [4] }), new Dense({ units: 2, name: "a" })]);
  await writeLegacyWeights(model, join(dir, "ok.h5"));
  const fresh = new Sequential([Input({ shape: [4] }), new Dense({ units: 2, name: "a" })]);
  await loadKerasWeights(fresh, join(dir, "ok.h5"));
  assert.deepEqual(Array.from(fresh.weights[0].floats()), Array.from(model.weights[0].floats()));
  // read side by side, the looping file stops only itself: the good one's time limit counts its own read
  const [looped, good] = await Promise.allSettled([loadModel(looping), loadKerasWeights(fresh, join(dir, "ok.h5"))]);
  assert.equal(looped.status, "rejected");
  assert.equal(good.status, "fulfilled", good.status === "rejected" ? String(good.reason) : "");
  await assert.rejects(loadKerasWeights(fresh, dir), /loadWeights: .*: expected a file, found a folder/);
});

test("an archive's HDF5 member is bounded by the archive's size: a fill-value dataset cannot inflate 64 x 64 times", async () => {
  const dir = tempDir();
  await h5wasm.ready;
  // 16 M floats declared in a chunked dataset that was never written (HDF5 reads fill values)
  const f = new h5wasm.File(join(dir, "w.h5"), "w");
  const vars = f.create_group("layers").create_group("dense").create_group("vars");
  const d = vars.create_dataset({ name: "0", data: new Float32Array(1024), shape: [1024], maxshape: [null], chunks: [1024], dtype: "<f" });
  d.resize([16 * 2 ** 20]);
  f.close();
  // padded with zeros to 1 MB, it deflates to a few KB: within the zip's bound (64 x the archive + 1 MB); its 64 MB of
  // values were within 64 x the member's size, the bound before, but not within the archive's
  const member = new Uint8Array(2 ** 20);
  member.set(readFileSync(join(dir, "w.h5")));
  const config = {
    class_name: "Sequential",
    config: {
      name: "s",
      layers: [
        { class_name: "InputLayer", config: { batch_shape: [null, 4], name: "in" } },
        { class_name: "Dense", config: { name: "dense", units: 4 } },
      ],
    },
  };
  writeFileSync(
    join(dir, "bomb.keras"),
    zipSync({ "config.json": new TextEncoder().encode(JSON.stringify(config)), "model.weights.h5": member }, { level: 9 }),
  );
  await assert.rejects(
    loadModel(join(dir, "bomb.keras")),
    /bomb\.keras: model\.weights\.h5: .*dataset '\/layers\/dense\/vars\/0' declares 67108864 bytes of values, more than a file of this size can hold/,
  );
});

test("an HDF5 link to another file on this machine reads nothing from it: the library sees only the file's own bytes", async () => {
  const dir = tempDir();
  const model = new Sequential([Input({ shape: [4] }), new Dense({ units: 2, name: "a" })]);
  await writeLegacyWeights(model, join(dir, "outside.h5"));
  // the same layout, with the kernel an external link to the file beside it
  await h5wasm.ready;
  const f = new h5wasm.File(join(dir, "linked.h5"), "w");
  f.create_attribute("layer_names", ["a"]);
  const g = f.create_group("a");
  g.create_attribute("weight_names", ["a/kernel:0", "a/bias:0"]);
  const inner = g.create_group("a");
  inner.create_external_link(join(dir, "outside.h5"), "/a/a/kernel:0", "kernel:0");
  inner.create_dataset({ name: "bias:0", data: new Float32Array(2), shape: [2], dtype: "<f" });
  f.close();
  await assert.rejects(loadKerasWeights(model, join(dir, "linked.h5")), /linked\.h5: '\/a\/a\/kernel:0': expected a dataset of weights, found nothing/);
});
