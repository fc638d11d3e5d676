import assert from "node:assert/strict";
import { test } from "node:test";
import { eye, fill, oneHot, ones, randomNormal, randomUniform, range, scalar, setSeed, tensor, truncatedNormal, zeros } from "../../src/index.js";

test("tensor infers shape and dtype from nested arrays and typed arrays", () => {
  const t = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, "float32");
  assert.equal(t.rank, 2);
  assert.equal(t.size, 6);
  assert.deepEqual(t.toArray(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal(tensor([true, false]).dtype, "bool");
  assert.equal(tensor(new Int32Array([1, 2])).dtype, "int32");
  assert.equal(tensor(new Uint8Array([255])).dtype, "float32");
  assert.equal(tensor(new Uint8Array([255])).item(), 255);
  const data = new Float32Array(6);
  assert.equal(tensor(data, [2, 3]).data(), data, "a float32 array is used without a copy");
  assert.equal(scalar(3).rank, 0);
  assert.equal(tensor([1.9, -1.9], undefined, "int32").toArray().toString(), "1,-1");
});

test("bad shapes and data are clear errors", () => {
  assert.throws(() => tensor([[1, 2], [3]]), /tensor: ragged nested array/);
  assert.throws(() => tensor([1, 2, 3], [2, 2]), /tensor: shape \[2,2\] needs 4 values, got 3/);
  assert.throws(() => zeros([2, -1]), /zeros: shape dimensions must be non-negative integers, got \[2,-1\]/);
  assert.throws(() => ones([1.5]), /ones: shape dimensions must be non-negative integers/);
  assert.throws(() => tensor([1], [1], "float64" as never), /tensor: unknown dtype 'float64'/);
  assert.throws(() => oneHot([0, 3], 3), /oneHot: index 3 at position 1 is outside \[0, 3\)/);
  assert.throws(() => range(0, 5, 0), /range: step must be a non-zero finite number/);
});

test("zeros, ones, fill, range, eye, oneHot", () => {
  assert.deepEqual(zeros([2]).toArray(), [0, 0]);
  assert.deepEqual(ones([2], "int32").toArray(), [1, 1]);
  assert.deepEqual(fill([2], 7).toArray(), [7, 7]);
  assert.deepEqual(range(5).toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(range(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(eye(2, 3).toArray(), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(oneHot([2, 0], 3).toArray(), [
    [0, 0, 1],
    [1, 0, 0],
  ]);
});

test("seeded random: reproducible, right moments, truncated within 2 sigma", () => {
  assert.deepEqual(randomUniform([5], 0, 1, { seed: 4 }).data(), randomUniform([5], 0, 1, { seed: 4 }).data());
  setSeed(11);
  const a = randomNormal([3]).data();
  setSeed(11);
  assert.deepEqual(randomNormal([3]).data(), a);
  const n = randomNormal([20000], 2, 3, { seed: 1 }).floats();
  const mean = n.reduce((s, v) => s + v, 0) / n.length;
  const sd = Math.sqrt(n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length);
  assert.ok(Math.abs(mean - 2) < 0.1 && Math.abs(sd - 3) < 0.1, `mean ${mean} sd ${sd}`);
  const u = randomUniform([1000], -2, 5, { seed: 2 }).data();
  assert.ok(u.every((v) => v >= -2 && v < 5));
  assert.ok(
    truncatedNormal([1000], 0, 0.5, { seed: 3 })
      .data()
      .every((v) => Math.abs(v) <= 1),
  );
  assert.throws(() => setSeed(NaN), /setSeed: seed must be a finite number, got NaN/);
  assert.throws(() => randomNormal([2], 0, 1, { seed: NaN }), /seed must be a finite number/);
});
