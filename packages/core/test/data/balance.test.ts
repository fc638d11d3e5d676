import assert from "node:assert/strict";
import { test } from "node:test";
import {
  balanceClasses,
  classCounts,
  classWeightsFor,
  interleaveClasses,
  oneHot,
  range,
  sampleClasses,
  shuffleTogether,
  type Tensor,
  tensor,
} from "../../src/index.js";

const y = tensor([0, 0, 0, 0, 0, 0, 1, 1, 2, 2], undefined, "int32");
const x = range(10);

test("class weights 'balanced' and class detection from labels or one-hot", () => {
  assert.deepEqual(classWeightsFor(sampleClasses(y)), { 0: 10 / 18, 1: 10 / 6, 2: 10 / 6 });
  assert.deepEqual(Array.from(sampleClasses(oneHot([2, 0], 3), "categorical")), [2, 0]);
  assert.deepEqual(classCounts(y), { 0: 6, 1: 2, 2: 2 });
});

test("undersampling and oversampling equalize classes; pairs stay together", () => {
  const [ux, uy] = balanceClasses(x, y, { strategy: "undersample", seed: 1 });
  assert.deepEqual(classCounts(uy), { 0: 2, 1: 2, 2: 2 });
  const [ox, oy] = balanceClasses(x, y, { strategy: "oversample", seed: 1 });
  assert.deepEqual(classCounts(oy), { 0: 6, 1: 6, 2: 6 });
  for (const [bx, by] of [
    [ux, uy],
    [ox, oy],
  ] as [Tensor, Tensor][]) {
    const xs = bx.data(),
      ys = by.data();
    for (let i = 0; i < xs.length; i++) assert.equal(y.data()[xs[i]], ys[i], "x and y stay paired");
  }
  assert.throws(() => balanceClasses(x, y, { strategy: "smote" as never }), /strategy must be 'undersample' or 'oversample'/);
});

test("interleaving puts different classes next to each other; shuffling keeps pairs", () => {
  const [ix, iy] = interleaveClasses(x, y, { seed: 2 });
  assert.deepEqual(Array.from(iy.data()).slice(0, 6), [0, 1, 2, 0, 1, 2]);
  assert.equal(ix.size, 10);
  const [sx, sy] = shuffleTogether(x, y, { seed: 3 });
  for (let i = 0; i < 10; i++) assert.equal(y.data()[sx.data()[i]], sy.data()[i]);
});

test("heuristic subsampling drops only confidently classified examples of the larger classes", async () => {
  const { undersampleConfident } = await import("../../src/index.js");
  // class 0 has 6 examples: 0-3 confident (p 0.95), 4-5 ambiguous (p 0.55); classes 1 and 2 have 2 each
  const p = new Float32Array(30);
  for (let i = 0; i < 10; i++) {
    const c = y.data()[i];
    const conf = i < 4 || i > 5 ? 0.95 : 0.55;
    for (let j = 0; j < 3; j++) p[i * 3 + j] = j === c ? conf : (1 - conf) / 2;
  }
  const probs = tensor(p, [10, 3]);
  const [kx, ky] = undersampleConfident(x, y, probs, { seed: 1 });
  assert.deepEqual(classCounts(ky), { 0: 2, 1: 2, 2: 2 });
  const keptZeros = Array.from(kx.data()).filter((_, i) => ky.data()[i] === 0);
  assert.deepEqual(keptZeros.sort(), [4, 5], "the ambiguous examples stay");
  // not enough confident examples to reach the target: the class keeps more
  const [, few] = undersampleConfident(x, y, probs, { target: 1, seed: 1 });
  assert.deepEqual(classCounts(few), { 0: 2, 1: 1, 2: 1 });
  const [, loose] = undersampleConfident(x, y, probs, { threshold: 0.5, target: 3, seed: 1 });
  assert.deepEqual(classCounts(loose), { 0: 3, 1: 2, 2: 2 });
  assert.throws(() => undersampleConfident(x, y, tensor(new Float32Array(9), [3, 3])), /probabilities must be \[10, classes\], got \[3, ?3\]/);
});
