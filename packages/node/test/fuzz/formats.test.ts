/**
 * Fuzzing every model file format kerno reads: valid seed files of tiny models built here (.kerno,
 * .keras stored and deflated, Keras 2 .h5, TF.js model.json + two shards, and ONNX that kerno
 * exports, read back by onnxruntime-node) are truncated, bit-flipped, given or robbed of bytes, and
 * their JSON fields replaced by wrong types, negative, huge or non-finite numbers, null, and paths
 * that leave the folder. Every input must end in a loaded model or an Error (not a TypeError,
 * RangeError or SyntaxError) whose message names the file, within a time bound, with the process's
 * memory growing by less than 200 MB over the run; a manifest path that leaves the folder must never
 * load. Seeded (FUZZ_SEED), so a failure names an input that can be replayed.
 * Inputs: 5 formats x 64 byte mutations (320) + 4 formats x 48 field mutations (192) = 512.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import { Add, Dense, Input, Model, Sequential, type SymbolicTensor, tensor } from "@kerno/core";
import { unzipSync, zipSync } from "fflate";
import h5wasm from "h5wasm/node";
import { fuzzSeed, mutateBytes, prng, type Rng } from "../../../core/test/helpers/fuzz.js";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { loadModel } from "../../src/index.js";
import { kerasModelConfig } from "../../src/interop/keras-write-config.js";
import { toOnnx } from "../../src/interop/onnx-export.js";

const SEED = fuzzSeed(20261201);
const BYTE_MUTATIONS = 64;
const FIELD_MUTATIONS = 48;
const TIME_LIMIT_MS = 10_000;
const MEMORY_LIMIT = 200e6;

const OUTSIDE = "outside.bin"; // beside the inputs' folders, sized like a shard: an unchecked path would load it
const BAD: unknown[] = [null, true, "x", -1, 0, 1.5, -0.5, 2 ** 31, 2 ** 53 + 2, 1e300, "__NaN__", "__INF__", [], {}, [null], [-1, -1]];
const BAD_PATHS = ["../../../../../../../../etc/passwd", "/etc/passwd", `../${OUTSIDE}`, ".", ""];

/** One JSON node (object field or array item) replaced by a bad value, a bad path or removed; NaN and 1e999 as raw tokens. */
function mutateJson(value: unknown, rng: Rng): [string, string] {
  const copy = structuredClone(value);
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown) => {
    if (v && typeof v === "object")
      for (const [k, child] of Object.entries(v)) {
        slots.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
        walk(child);
      }
  };
  walk(copy);
  const [parent, key] = rng.pick(slots);
  const r = rng.int(10);
  const bad = r < 2 ? rng.pick(BAD_PATHS) : rng.pick(BAD);
  if (r === 9 && !Array.isArray(parent)) delete parent[key as string];
  else (parent as Record<string | number, unknown>)[key] = bad;
  const text = JSON.stringify(copy).replaceAll('"__NaN__"', "NaN").replaceAll('"__INF__"', "1e999");
  return [`${String(key)} = ${r === 9 ? "(removed)" : JSON.stringify(bad)}`, text];
}

interface Seed {
  format: string;
  /** The file to load, and every file of the model (relative names). */
  main: string;
  files: Record<string, Uint8Array>;
  /** The JSON documents the format holds, each with the files rebuilt around a replacement `text`. */
  json: { value: unknown; withText: (text: string) => Promise<Record<string, Uint8Array>> }[];
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A Keras 2 whole-model .h5: model_config beside model_weights in the legacy layout (layer_names, weight_names). */
async function keras2H5(model: Model, config: string, path: string): Promise<Uint8Array> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, "w");
  f.create_attribute("model_config", config);
  const g = f.create_group("model_weights");
  const layers = model.layers.filter((l) => l.weights.length);
  g.create_attribute(
    "layer_names",
    layers.map((l) => l.name),
  );
  for (const layer of layers) {
    const lg = g.create_group(layer.name);
    const names = layer.weights.map((w) => w.name.split("/").pop()!);
    lg.create_attribute("weight_names", names);
    layer.weights.forEach((w, i) => lg.create_dataset({ name: names[i], data: w.floats(), shape: [...w.shape], dtype: "<f" }));
  }
  f.close();
  return readFileSync(path);
}

async function seeds(dir: string): Promise<Seed[]> {
  const x = Input({ shape: [6] });
  const sum = new Add().apply([new Dense({ units: 4 }).apply(x) as SymbolicTensor, new Dense({ units: 4 }).apply(x) as SymbolicTensor]) as SymbolicTensor;
  const functional = new Model({ inputs: x, outputs: new Dense({ units: 2 }).apply(sum) as SymbolicTensor });
  const seq = new Sequential([Input({ shape: [4] }), new Dense({ units: 3, activation: "relu" }), new Dense({ units: 2, activation: "softmax" })]);
  seq.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  await seq.fit(tensor(new Float32Array(16), [4, 4]), tensor(Int32Array.of(0, 1, 0, 1), [4], "int32"), { epochs: 1, verbose: 0 });
  // .kerno: the safetensors header's JSON, and kerno's description (a JSON string inside its metadata)
  await seq.save(join(dir, "seed.kerno"));
  const kerno = readFileSync(join(dir, "seed.kerno"));
  const headerLength = Number(kerno.readBigUInt64LE(0));
  const header = JSON.parse(dec(kerno.subarray(8, 8 + headerLength)));
  const kernoFile = (headerText: string) => ({ "m.kerno": Buffer.concat([lengthOf(headerText), enc(headerText), kerno.subarray(8 + headerLength)]) });
  const kernoJson = [
    { value: header, withText: async (t: string) => kernoFile(t) },
    { value: JSON.parse(header.__metadata__.kerno), withText: async (t: string) => kernoFile(JSON.stringify({ ...header, __metadata__: { kerno: t } })) },
  ];
  // .keras, stored as kerno (and Keras) write it, and deflated
  await functional.save(join(dir, "seed.keras"));
  const members = unzipSync(readFileSync(join(dir, "seed.keras")));
  const deflated = zipSync(members, { level: 6 });
  // TF.js: the Keras topology and a manifest over two shards
  const data = Buffer.concat([...functional.weightKeys()].map(([v]) => Buffer.from(v.values.buffer, v.values.byteOffset, v.values.byteLength)));
  const half = Math.floor(data.length / 8) * 4;
  const modelJson = {
    format: "layers-model",
    modelTopology: kerasModelConfig(functional, "fuzz"),
    weightsManifest: [
      {
        paths: ["group1-shard1of2.bin", "group1-shard2of2.bin"],
        weights: [...functional.weightKeys()].map(([v, key]) => ({ name: key, shape: [...v.shape], dtype: "float32" })),
      },
    ],
  };
  const shards = { "group1-shard1of2.bin": data.subarray(0, half), "group1-shard2of2.bin": data.subarray(half) };
  writeFileSync(join(dir, OUTSIDE), data.subarray(0, half));
  const h5Config = JSON.stringify(kerasModelConfig(seq, "fuzz"));
  return [
    { format: "kerno", main: "m.kerno", files: { "m.kerno": kerno }, json: kernoJson },
    {
      format: "keras",
      main: "m.keras",
      files: { "m.keras": readFileSync(join(dir, "seed.keras")) },
      json: [
        {
          value: JSON.parse(dec(members["config.json"])),
          withText: async (t) => ({ "m.keras": zipSync({ ...members, "config.json": enc(t) }, { level: 0 }) }),
        },
      ],
    },
    { format: "keras (deflated)", main: "m.keras", files: { "m.keras": deflated }, json: [] },
    {
      format: "keras-h5",
      main: "m.h5",
      files: { "m.h5": await keras2H5(seq, h5Config, join(dir, "seed.h5")) },
      json: [{ value: JSON.parse(h5Config), withText: async (t) => ({ "m.h5": await keras2H5(seq, t, join(dir, "mutated.h5")) }) }],
    },
    {
      format: "tfjs",
      main: "model.json",
      files: { "model.json": enc(JSON.stringify(modelJson)), ...shards },
      json: [{ value: modelJson, withText: async (t) => ({ "model.json": enc(t), ...shards }) }],
    },
  ];
}

/** safetensors' 8-byte little-endian header length. */
function lengthOf(text: string): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(enc(text).length));
  return b;
}

/** Whether a TF.js input names a shard outside its folder (then it must not load). */
function leavesFolder(files: Record<string, Uint8Array>, folder: string): boolean {
  try {
    const json = JSON.parse(dec(files["model.json"]));
    return json.weightsManifest.some((g: { paths: unknown[] }) =>
      g.paths.some((p) => typeof p === "string" && (relative(folder, resolve(folder, p)).startsWith(`..${sep}`) || resolve(folder, p) === resolve(folder))),
    );
  } catch {
    return false;
  }
}

test(`fuzzing .kerno, .keras, Keras 2 .h5, TF.js and kerno's ONNX: every input loads or fails with an Error naming the file (seed ${SEED})`, async () => {
  const dir = tempDir("kerno-fuzz-");
  const rng = prng(SEED);
  const all = await seeds(dir);
  let inputs = 0,
    loaded = 0,
    slowest = 0;
  const outcomes = new Map<string, number>();
  const check = async (seed: Seed, what: string, files: Record<string, Uint8Array>) => {
    const folder = join(dir, `input-${inputs++}`);
    mkdirSync(folder);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(folder, name), bytes);
    const path = join(folder, seed.main);
    const label = `${seed.format} input ${inputs - 1} (${what}; FUZZ_SEED=${SEED})`;
    const started = performance.now();
    if (process.env.FUZZ_TRACE) writeFileSync(process.env.FUZZ_TRACE, `${label}\n`, { flag: "a" });
    try {
      await loadModel(path);
      loaded++;
      assert.ok(seed.format !== "tfjs" || !leavesFolder(files, folder), `${label}: loaded a shard outside its folder`);
    } catch (err) {
      assert.ok(err instanceof Error && err.constructor === Error, `${label}: ${(err as Error)?.stack ?? err}`);
      assert.ok(err.message.includes(path), `${label}: the message does not name the file: ${err.message}`);
      const kind = err.message
        .slice(path.length + 12)
        .replace(/'[^']*'|\d+|\[[^\]]*\]/g, "_")
        .slice(0, 60);
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    }
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < TIME_LIMIT_MS, `${label}: took ${ms.toFixed(0)} ms`);
    rmSync(folder, { recursive: true, force: true });
  };
  // every loader once on its valid seed, then the memory baseline (h5wasm and the zip code are warm)
  for (const seed of all) await check(seed, "valid seed", seed.files);
  assert.equal(loaded, all.length, "every seed loads");
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  for (const seed of all) {
    for (let i = 0; i < BYTE_MUTATIONS; i++) {
      const names = Object.keys(seed.files);
      const name = rng.pick(names);
      const [what, bytes] = mutateBytes(seed.files[name], rng);
      await check(seed, `${name}: ${what}`, { ...seed.files, [name]: bytes });
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    for (let i = 0; seed.json.length && i < FIELD_MUTATIONS; i++) {
      const doc = rng.pick(seed.json);
      const [what, text] = mutateJson(doc.value, rng);
      await check(seed, what, await doc.withText(text));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  assert.ok(peak - baseline < MEMORY_LIMIT, `memory grew by ${((peak - baseline) / 1e6).toFixed(0)} MB`);
  const fuzzed = inputs - all.length;
  console.log(`${fuzzed} inputs, ${loaded - all.length} loaded, slowest ${slowest.toFixed(0)} ms, memory +${((peak - baseline) / 1e6).toFixed(0)} MB`);
  console.log(
    [...outcomes]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${n} x ${k}`)
      .join("\n"),
  );
  assert.equal(fuzzed, 5 * BYTE_MUTATIONS + 4 * FIELD_MUTATIONS);
});

const ort = await import("onnxruntime-node").catch(() => null);
test("fuzzing kerno's ONNX export read back by onnxruntime-node: every input loads (and runs) or fails with an Error", {
  skip: ort ? false : "onnxruntime-node is not installed",
}, async () => {
  const dir = tempDir("kerno-fuzz-onnx-");
  const rng = prng(SEED + 1);
  const model = new Sequential([Input({ shape: [4] }), new Dense({ units: 3, activation: "relu" }), new Dense({ units: 2, activation: "softmax" })]);
  const bytes = toOnnx(model);
  for (let i = 0; i < BYTE_MUTATIONS; i++) {
    const [what, mutated] = mutateBytes(bytes, rng);
    const path = join(dir, `input-${i}.onnx`);
    writeFileSync(path, mutated);
    const label = `onnx input ${i} (${what}; FUZZ_SEED=${SEED})`;
    const started = performance.now();
    try {
      const session = await ort!.InferenceSession.create(path);
      await session.run({ [session.inputNames[0]]: new ort!.Tensor("float32", new Float32Array(4), [1, 4]) }).catch((err: unknown) => {
        assert.ok(err instanceof Error, `${label}: run: ${err}`);
      });
    } catch (err) {
      assert.ok(err instanceof Error, `${label}: ${err}`);
    }
    assert.ok(performance.now() - started < TIME_LIMIT_MS, `${label}: took ${performance.now() - started} ms`);
  }
});
