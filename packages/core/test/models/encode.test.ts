/**
 * The core without a file system: this file imports models and layers directly, never the
 * package entry (src/index.ts), which registers the file writer. A model still encodes to the
 * bytes of a .kerno file and decodes from them; saving to a path says what is missing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dense } from "../../src/layers/dense.js";
import { Input } from "../../src/layers/input.js";
import { decodeModel } from "../../src/models/rebuild.js";
import { encodeModel } from "../../src/models/save.js";
import { Sequential } from "../../src/models/sequential.js";
import { tensor } from "../../src/tensor/creation.js";
import type { Tensor } from "../../src/tensor/tensor.js";

test("encodeModel and decodeModel round-trip a compiled model through bytes; save(path) without a file writer names what is missing", async () => {
  const model = new Sequential([Input({ shape: [3] }), new Dense({ units: 2, activation: "relu", name: "hidden" }), new Dense({ units: 1, name: "out" })], {
    name: "tiny",
  });
  model.compile({ optimizer: "adam", loss: "mse" });
  await model.fit(tensor([0, 1, 2, 3, 4, 5], [2, 3]), tensor([1, 2], [2, 1]), { epochs: 2, verbose: 0 });
  const bytes = encodeModel(model);
  const copy = decodeModel(bytes);
  assert.equal(copy.name, "tiny");
  assert.equal(copy.optimizer?.iterations, model.optimizer?.iterations);
  const x = tensor([0.5, -1, 2], [1, 3]);
  assert.deepEqual(Array.from((copy.predict(x) as Tensor).floats()), Array.from((model.predict(x) as Tensor).floats()));
  assert.throws(() => decodeModel(bytes.subarray(0, 20), {}, "upload.kerno"), /upload\.kerno: truncated or corrupt/);
  assert.throws(
    () => model.save("/tmp/never-written.kerno"),
    /Model 'tiny'\.save: writing a model file needs a file system.*encodeModel\(model\) gives the bytes/,
  );
});
