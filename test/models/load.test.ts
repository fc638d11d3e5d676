import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Dense, Input, Sequential } from "../../src/index.js";
import { loadKernoModel } from "../../src/models/load.js";
import { encodeSafetensors } from "../../src/models/safetensors.js";
import { tempDir } from "../helpers/tmp.js";

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
