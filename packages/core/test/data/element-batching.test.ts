import assert from "node:assert/strict";
import { test } from "node:test";
import { row, splitRows, stackElements } from "../../src/data/element-batching.js";
import { type Example, range, reshape, scalar, type Tensor } from "../../src/index.js";

test("stackElements and splitRows are inverse on Examples with lists of inputs", () => {
  const batch: Example = { x: [reshape(range(6), [3, 2]), range(3)], y: range(3), sampleWeight: range(3) };
  const parts = splitRows(batch) as Example[];
  assert.equal(parts.length, 3);
  assert.deepEqual((parts[1].x as Tensor[])[0].toArray(), [2, 3]);
  assert.deepEqual(row(range(3), 2).item(), 2);
  const again = stackElements(parts) as Example;
  assert.deepEqual((again.x as Tensor[])[0].toArray(), [
    [0, 1],
    [2, 3],
    [4, 5],
  ]);
  assert.deepEqual((again.sampleWeight as Tensor).toArray(), [0, 1, 2]);
});

test("splitRows names what is wrong", () => {
  assert.throws(() => splitRows(scalar(1)), /Dataset.unbatch: elements must be tensors of rank >= 1/);
  assert.throws(() => splitRows({ x: range(3), y: range(2) }), /disagree on the batch size: 3 vs \[2\]/);
  assert.throws(() => stackElements([{ x: 1 }]), /Dataset.batch: x must be tensors/);
});
