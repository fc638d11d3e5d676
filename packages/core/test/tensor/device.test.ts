/**
 * A device backend's contract with the core (tensor/device.ts), on a stand-in device: the
 * TypeScript kernels whose every output counts as "still on the device" until read. data(),
 * item() and toArray() refuse such values, dataAsync() brings them; fit reads the batch's loss
 * and predictions before its metrics and the weights at each epoch's end; evaluate holds the
 * weights for the pass; a variable assigned a device value copies it there.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { jsKernels } from "../../src/backends/js/index.js";
import type { Kernels } from "../../src/backends/kernels.js";
import { add, Dense, Input, mul, randomNormal, registerBackend, Sequential, setBackend, sum, tensor, Variable } from "../../src/index.js";
import { addDeviceArrays, type DeviceArrays } from "../../src/tensor/device.js";
import type { TypedArray } from "../../src/tensor/dtype.js";
import { loadModel } from "../helpers/model-files.js";

const isArray = (v: unknown): v is TypedArray => v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array;
const arraysIn = (v: unknown): TypedArray[] =>
  isArray(v) ? [v] : Array.isArray(v) ? v.flatMap(arraysIn) : v && typeof v === "object" ? Object.values(v).flatMap(arraysIn) : [];

/**
 * Arrays "on the device" hold poison on the CPU (NaN, or -7 for integers) while their true values
 * wait here, as a GPU's arrays would hold nothing yet: code that reads one on the CPU before
 * reading it through the store gets garbage, as it would on a GPU. Counts reads and holds.
 */
class StandInDevice implements DeviceArrays {
  readonly name = "stand-in";
  private readonly truth = new WeakMap<TypedArray, TypedArray>();
  reads = 0;
  held: TypedArray[] = [];
  isStale(a: TypedArray): boolean {
    return this.truth.has(a);
  }
  /** The kernels wrote `a`: its values go to the device. */
  store(a: TypedArray): void {
    if (a.length === 0) return;
    this.truth.set(a, a.slice());
    a.fill(a instanceof Float32Array ? Number.NaN : 249);
  }
  /** A kernel reads `a`: its true values, for the call. */
  lend(a: TypedArray): void {
    const t = this.truth.get(a);
    if (t) a.set(t);
  }
  /** After the call: back to poison. */
  takeBack(a: TypedArray): void {
    if (this.truth.has(a)) a.fill(a instanceof Float32Array ? Number.NaN : 249);
  }
  async read(arrays: readonly TypedArray[]): Promise<void> {
    this.reads++;
    for (const a of arrays) {
      this.lend(a);
      this.truth.delete(a);
    }
  }
  hold(arrays: readonly TypedArray[]): void {
    this.held.push(...arrays);
  }
  discard(arrays: readonly TypedArray[]): void {
    for (const a of arrays) this.truth.delete(a);
  }
  copy(target: TypedArray, source: TypedArray): void {
    const t = this.truth.get(source);
    if (!t) throw new Error("stand-in copy: the source is not on the device");
    this.store(target);
    this.truth.set(target, t.slice());
  }
}

/** A kernel's result with every array copied into an array of its own. */
function fresh(v: unknown): unknown {
  if (isArray(v)) return v.slice();
  if (Array.isArray(v)) return v.map(fresh);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fresh(x)]));
  return v;
}

const device = new StandInDevice();
addDeviceArrays(device);
const IN_PLACE = new Set(["sgdUpdate", "rmspropUpdate", "adamUpdate"]);
const kernels = Object.fromEntries(
  Object.entries(jsKernels).map(([name, k]) => {
    if (typeof k !== "function") return [name, k];
    return [
      name,
      (...args: unknown[]) => {
        const inputs = arraysIn(args);
        for (const a of inputs) device.lend(a);
        // fresh arrays of their own, as a GPU's outputs are (the TypeScript kernels carve small ones from a shared slab)
        const result = fresh((k as (...a: unknown[]) => unknown).apply(jsKernels, args));
        // an update in place leaves its arrays' new values on the device; the others go back to poison
        if (IN_PLACE.has(name)) for (const a of inputs) device.store(a);
        else for (const a of inputs) device.takeBack(a);
        for (const a of arraysIn(result)) device.store(a);
        return result;
      },
    ];
  }),
) as unknown as Kernels;
registerBackend("stand-in", () => ({ ...kernels, name: "stand-in" }));

test("a tensor whose values are on a device: data(), item() and toArray() say to read it; dataAsync() brings it", async () => {
  setBackend("stand-in");
  const y = mul(tensor([1, 2, 3]), 2);
  assert.throws(() => y.data(), /data\(\): the values are still on the stand-in device; read them first: await tensor\.dataAsync\(\)/);
  assert.throws(() => sum(y).item(), /item\(\): the values are still on the stand-in device/);
  assert.throws(() => y.toArray(), /toArray\(\)/);
  assert.match(String(y), /on the stand-in device/);
  assert.deepEqual([...(await y.dataAsync())], [2, 4, 6]);
  assert.deepEqual(y.toArray(), [2, 4, 6]);
});

test("fit reads each batch's results and the weights at each epoch's end; evaluate holds the weights for its pass", async () => {
  setBackend("stand-in");
  const model = new Sequential([Input({ shape: [4] }), new Dense({ units: 8, activation: "relu" }), new Dense({ units: 3, activation: "softmax" })]);
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const x = randomNormal([32, 4], 0, 1, { seed: 1 });
  const y = tensor(
    Int32Array.from({ length: 32 }, (_, i) => i % 3),
    [32],
    "int32",
  );
  const before = device.reads;
  const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  assert.equal(history.history.loss.length, 2);
  assert.ok(history.history.loss.every(Number.isFinite) && history.history.accuracy.every(Number.isFinite));
  // 4 batches and one end of epoch, twice
  assert.equal(device.reads - before, 10);
  // the weights came back to the CPU: readable at once
  for (const w of model.getWeights()) assert.ok(w.data().every(Number.isFinite));
  assert.ok(history.history.accuracy.every((a) => a >= 0 && a <= 1));
  device.held = [];
  // the batches and their labels are cut by kernels (on the device), yet the metrics see them
  const logs = await model.evaluate(x, y, { batchSize: 12 });
  assert.equal(device.held.length, model.weights.length, "every weight held once for the pass");
  setBackend("js");
  const onHost = await model.evaluate(x, y, { batchSize: 12 });
  assert.ok(Math.abs(logs.loss - onHost.loss) < 1e-6 && logs.accuracy === onHost.accuracy, `${JSON.stringify(logs)} vs ${JSON.stringify(onHost)}`);
});

test("a variable assigned a value on the device copies it there (no alias); reading it before then says how", async () => {
  setBackend("stand-in");
  const v = new Variable(tensor([1, 2]));
  const array = v.values;
  const onDevice = add(tensor([3, 4]), 1);
  v.assign(onDevice);
  assert.equal(v.values, array, "the variable keeps its own array");
  assert.throws(() => v.read(), /Variable '.+'\.read\(\): the values are still on the stand-in device/);
  assert.deepEqual([...(await v.dataAsync())], [4, 5]);
  assert.deepEqual([...(await onDevice.dataAsync())], [4, 5], "the source is still readable on its own");
  v.assign(v);
  assert.deepEqual([...v.data()], [4, 5], "assigning itself changes nothing");
  v.assign(tensor([7, 8]));
  assert.deepEqual([...v.data()], [7, 8]);
});

test("save reads the weights a device changed before it writes them", async () => {
  setBackend("stand-in");
  const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })]);
  const kernel = model.weights[0];
  kernel.assign(add(tensor([[1], [2]]), 1));
  assert.throws(() => kernel.read(), /still on the stand-in device/);
  const dir = mkdtempSync(join(tmpdir(), "kerno-device-"));
  try {
    await model.save(join(dir, "m.kerno"));
    const loaded = await loadModel(join(dir, "m.kerno"));
    assert.deepEqual([...loaded.weights[0].data()], [2, 3]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    setBackend("js");
  }
});
