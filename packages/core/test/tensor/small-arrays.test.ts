import assert from "node:assert/strict";
import { test } from "node:test";
import { Worker } from "node:worker_threads";
import { add, Dense, Input, relu, Sequential, type Tensor, tensor } from "../../src/index.js";
import { allocate } from "../../src/tensor/dtype.js";
import { SMALL_ARRAY_MAX, smallFloat32 } from "../../src/tensor/small-arrays.js";

test("small float32 arrays: zero-filled, 64-byte aligned views that never overlap, across slab boundaries", () => {
  const arrays: Float32Array[] = [];
  // enough to fill several 64 KB slabs, with sizes that are not multiples of 16
  for (let i = 0; i < 400; i++) arrays.push(smallFloat32(1 + ((i * 37) % SMALL_ARRAY_MAX)));
  for (const [i, a] of arrays.entries()) {
    assert.equal(a.length, 1 + ((i * 37) % SMALL_ARRAY_MAX));
    assert.equal(a.byteOffset % 64, 0);
    assert.ok(
      a.every((v) => v === 0),
      `array ${i} is not zero-filled`,
    );
    a.fill(i + 1);
  }
  // every array still holds its own value: no two share memory
  for (const [i, a] of arrays.entries())
    assert.ok(
      a.every((v) => v === i + 1),
      `array ${i} was overwritten`,
    );
  assert.ok(new Set(arrays.map((a) => a.buffer)).size > 1, "the arrays span more than one slab");
});

test("allocate: small float32 arrays come from slabs, large ones and other dtypes get their own buffer", () => {
  const small = allocate("float32", 24),
    large = allocate("float32", SMALL_ARRAY_MAX + 1),
    ints = allocate("int32", 24);
  assert.ok(small.buffer.byteLength > small.byteLength);
  assert.equal(large.buffer.byteLength, large.byteLength);
  assert.equal(ints.buffer.byteLength, ints.byteLength);
  assert.ok(small instanceof Float32Array && ints instanceof Int32Array);
  assert.equal(allocate("float32", 0).length, 0);
});

test("a small tensor's data() owns its buffer: transferring it detaches that tensor only, and ops on it are errors", () => {
  const model = new Sequential([Input({ shape: [3] }), new Dense({ units: 2 })]);
  const x = tensor([1, 2, 3], [1, 3]);
  const expected = (model.predict(x) as Tensor).toArray();
  const other = relu(tensor([4, -5, 6]));
  const out = model.predict(x) as Tensor;
  const data = out.data();
  assert.equal(data.buffer.byteLength, data.byteLength, "data() is a view of a buffer of its own");
  structuredClone(data.buffer, { transfer: [data.buffer] });
  // the slab the output came from still serves every other tensor, the model's weights included
  assert.deepEqual(other.toArray(), [4, 0, 6]);
  assert.deepEqual((model.predict(x) as Tensor).toArray(), expected);
  assert.throws(() => add(out, 1), /add: first input of shape \[1,2\] has no data: its buffer was transferred or detached/);
  assert.throws(() => relu(out), /relu: input of shape \[1,2\] has no data/);
});

test("data() moves a small tensor out of its slab once; larger and integer tensors already own their buffers", () => {
  const t = relu(tensor([1, 2]));
  const first = t.data();
  assert.equal(t.data(), first, "the second call returns the same array");
  first[0] = 7;
  assert.deepEqual(t.toArray(), [7, 2], "writing to data() changes the tensor");
  const big = tensor(new Float32Array(SMALL_ARRAY_MAX + 1));
  assert.equal(big.data(), big.values);
});

test("a tensor's data reaches a worker as the docs say: a transferred copy, the tensor kept", async () => {
  const t = relu(tensor([1, -2, 3]));
  const copy = t.data().slice();
  const worker = new Worker(
    "const { parentPort } = require('node:worker_threads'); parentPort.once('message', (v) => parentPort.postMessage(v.reduce((a, b) => a + b, 0)));",
    { eval: true },
  );
  const sum = new Promise((done) => worker.once("message", done));
  worker.postMessage(copy, [copy.buffer]);
  assert.equal(await sum, 4);
  await worker.terminate();
  assert.equal(copy.length, 0, "the copy went to the worker");
  assert.deepEqual(t.toArray(), [1, 0, 3]);
});
