import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Dense, Input, Sequential } from "@kerno/core";
import { encodeSafetensors } from "@kerno/core/models/safetensors.js";
import { tempDir } from "../../../core/test/helpers/tmp.js";
// @kerno/node's index: model.save(path) writes through the file writers it registers
import { loadKernoModel } from "../../src/index.js";

const dir = tempDir();

test("corrupt, truncated or foreign files give clear errors and no model", async () => {
  const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })]);
  const path = join(dir, "ok.kerno");
  await model.save(path);
  const bytes = readFileSync(path);
  const truncated = join(dir, "truncated.kerno");
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 3));
  assert.throws(() => loadKernoModel(truncated), /loadModel: .*truncated.kerno: truncated or corrupt/);
  const garbage = join(dir, "garbage.kerno");
  writeFileSync(garbage, Buffer.from("this is not a model at all"));
  assert.throws(() => loadKernoModel(garbage), /loadModel: .*garbage.kerno: truncated or corrupt/);
  assert.throws(() => loadKernoModel(join(dir, "missing.kerno")), /cannot read the file \(ENOENT\)/);
  const foreign = join(dir, "foreign.safetensors");
  const header = Buffer.from(JSON.stringify({ w: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(foreign, Buffer.concat([len, header, Buffer.alloc(4)]));
  assert.throws(() => loadKernoModel(foreign), /not a kerno model file/);
  assert.ok(existsSync(path));
});

test("a file from a newer kerno, a missing weight or a wrong shape is named", () => {
  const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 1, name: "out" })], { name: "tiny" });
  const meta = (version: number) =>
    JSON.stringify({ format: "kerno-model", formatVersion: version, model: { className: "Sequential", config: model.getConfig() } });
  const write = (name: string, tensors: Map<string, { shape: number[]; data: Float32Array }>, version = 1) => {
    const p = join(dir, name);
    writeFileSync(p, encodeSafetensors(tensors, { kerno: meta(version) }));
    return p;
  };
  const good = new Map([
    ["weights/out/kernel", { shape: [2, 1], data: new Float32Array(2) }],
    ["weights/out/bias", { shape: [1], data: new Float32Array(1) }],
  ]);
  assert.equal(loadKernoModel(write("good.kerno", good)).name, "tiny");
  assert.throws(() => loadKernoModel(write("newer.kerno", good, 99)), /written by a newer kerno \(format 99\)/);
  assert.throws(() => loadKernoModel(write("missing.kerno", new Map([...good].slice(0, 1)))), /the file has no weight 'out\/bias'/);
  const wrong = new Map(good);
  wrong.set("weights/out/kernel", { shape: [3, 1], data: new Float32Array(3) });
  assert.throws(() => loadKernoModel(write("wrong.kerno", wrong)), /weight 'out\/kernel' is \[2,1\] in the architecture but \[3,1\] in the file/);
});

/** A .kerno file of `config` (a Sequential's) beside `tensors`. */
function kernoFile(
  name: string,
  config: unknown,
  tensors = new Map<string, { shape: number[]; data: Float32Array }>(),
  extra: Record<string, unknown> = {},
): string {
  const p = join(dir, name);
  writeFileSync(p, encodeSafetensors(tensors, { kerno: JSON.stringify({ format: "kerno-model", formatVersion: 1, model: config, ...extra }) }));
  return p;
}

test("an architecture that asks for more weights than the file holds is refused before allocating (Dense 150M units, a 20000x20000 input)", () => {
  const dense = (units: number) => ({ className: "Dense", config: { name: "d", units } });
  const small = new Map([
    ["weights/d/kernel", { shape: [2, 1], data: new Float32Array(2) }],
    ["weights/d/bias", { shape: [1], data: new Float32Array(1) }],
  ]);
  const cases = [
    { className: "Sequential", config: { name: "s", inputShape: [2], layers: [dense(150_000_000)] } },
    { className: "Sequential", config: { name: "s", inputShape: [20000, 20000], layers: [{ className: "Flatten", config: { name: "f" } }, dense(1)] } },
  ];
  for (const config of cases) {
    const before = process.memoryUsage().rss;
    assert.throws(
      () => loadKernoModel(kernoFile("huge.kerno", config, small)),
      /huge.kerno: the architecture declares more weights than the file holds: with Dense 'd''s 'kernel' \[(2, 150000000|400000000, 1)\] it needs \d+ values, the file holds 3/,
    );
    assert.ok(process.memoryUsage().rss - before < 100e6, `memory grew by ${process.memoryUsage().rss - before} bytes`);
  }
  // a negative or fractional size is named too, and the right size loads
  assert.throws(
    () => loadKernoModel(kernoFile("neg.kerno", { className: "Sequential", config: { inputShape: [2], layers: [dense(-3)] } }, small)),
    /neg.kerno: /,
  );
  assert.equal(loadKernoModel(kernoFile("ok.kerno", { className: "Sequential", config: { inputShape: [2], layers: [dense(1)] } }, small)).countParams(), 3);
  // no weights at all, but an output of 6.4 GB per example: every predict would allocate it
  const padded = {
    className: "Sequential",
    config: { name: "s", inputShape: [1, 1, 1], layers: [{ className: "ZeroPadding2D", config: { name: "pad", padding: 20000 } }] },
  };
  assert.throws(
    () => loadKernoModel(kernoFile("pad.kerno", padded, new Map())),
    /pad\.kerno: layer 'pad' would output \[40001,40001,1\] per example \(6\.0 GiB\): expected at most 1 GiB/,
  );
});

test("a malformed kerno description is an error naming the file, what was expected and what was found", () => {
  const seq = (layers: unknown) => ({ className: "Sequential", config: { inputShape: [2], layers } });
  const cases: [unknown, Record<string, unknown>, RegExp][] = [
    [null, {}, /model: expected an object, found null/],
    [{ className: 3, config: {} }, {}, /model.className: expected a string, found the number 3/],
    [seq(null), {}, /Sequential.layers: expected an array, found null/],
    [seq([null]), {}, /Sequential.layers\[0\]: expected an object, found null/],
    [seq([{ className: "Dense", config: null }]), {}, /Sequential.layers\[0\].config: expected an object, found null/],
    [{ className: "Sequential", config: { inputShape: [-2], layers: [] } }, {}, /Sequential.inputShape\[0\]: expected an integer >= 0, found the number -2/],
    [
      {
        className: "Functional",
        config: { layers: [{ className: "InputLayer", config: { name: "i", shape: [2] }, inboundNodes: [] }], inputLayers: [["i", 0]], outputLayers: [] },
      },
      {},
      /inputLayers\[0\]: expected \[layer name, call, output\], found an array of 2/,
    ],
    [
      {
        className: "Functional",
        config: { layers: [{ className: "Dense", config: { name: "d", units: 1 }, inboundNodes: [[["nowhere", 0, 0]]] }], inputLayers: [], outputLayers: [] },
      },
      {},
      /cannot connect d/,
    ],
    [seq([]), { formatVersion: "1" }, /formatVersion: expected an integer >= 0, found the string "1"/],
    [seq([]), { compile: { optimizer: null } }, /compile.optimizer: expected an object, found null/],
    [seq([]), { classNames: [1] }, /classNames\[0\]: expected a string, found the number 1/],
  ];
  for (const [model, extra, message] of cases) {
    const path = kernoFile("bad.kerno", model, new Map(), extra);
    assert.throws(
      () => loadKernoModel(path),
      (err: Error) => err.constructor === Error && err.message.startsWith(`loadModel: ${path}: `) && message.test(err.message),
      message.source,
    );
  }
  const path = join(dir, "text.kerno");
  writeFileSync(path, encodeSafetensors(new Map(), { kerno: "{not json" }));
  assert.throws(() => loadKernoModel(path), /text.kerno: the model description: expected JSON, found text that does not parse/);
});
