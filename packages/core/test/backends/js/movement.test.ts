import assert from "node:assert/strict";
import { test } from "node:test";
import { slice, tile } from "../../../src/backends/js/movement.js";
import { sizeOf, stridesOf } from "../../../src/tensor/shape.js";

/** tile by its definition: out[i] = x[i mod shape], index by index. */
function tileByDefinition(x: ArrayLike<number>, shape: number[], reps: number[]): number[] {
  const outShape = shape.map((d, i) => d * reps[i]);
  const out: number[] = [];
  const xs = stridesOf(shape);
  for (let o = 0; o < sizeOf(outShape); o++) {
    let rest = o,
      src = 0;
    for (let d = outShape.length - 1; d >= 0; d--) {
      src += ((rest % outShape[d]) % shape[d]) * xs[d];
      rest = Math.floor(rest / outShape[d]);
    }
    out.push(x[src]);
  }
  return out;
}

test("tile matches its definition for every dtype, scalars, single elements and repeated blocks", () => {
  const cases: [number[], number[]][] = [
    [[1], [7]],
    [
      [1, 1],
      [32, 24],
    ],
    [[3], [1]],
    [
      [2, 3],
      [2, 2],
    ],
    [
      [2, 1, 3],
      [1, 4, 1],
    ],
    [
      [1, 3, 1],
      [3, 1, 5],
    ],
    [
      [2, 2, 2],
      [2, 3, 2],
    ],
    [
      [4, 5],
      [0, 2],
    ],
  ];
  for (const [shape, reps] of cases) {
    const n = sizeOf(shape);
    for (const make of [
      (k: number) => Float32Array.from({ length: k }, (_, i) => i + 0.5),
      (k: number) => Int32Array.from({ length: k }, (_, i) => i - 3),
      (k: number) => Uint8Array.from({ length: k }, (_, i) => i % 2),
    ]) {
      const x = make(n);
      const got = tile(x, shape, reps);
      assert.equal(got.constructor, x.constructor);
      assert.deepEqual([...got], tileByDefinition(x, shape, reps), `tile [${shape}] by [${reps}]`);
    }
  }
  // all ones: a copy, never the input itself
  const x = Float32Array.of(1, 2);
  assert.notEqual(tile(x, [2], [1]), x);
});

test("slice copies rows shorter and longer than the block-copy threshold", () => {
  for (const width of [16, 127, 128, 300]) {
    const x = Float32Array.from({ length: 3 * (width + 5) }, (_, i) => i);
    const got = slice(x, [3, width + 5], [0, 2], [3, width]);
    const want = [0, 1, 2].flatMap((r) => Array.from({ length: width }, (_, j) => r * (width + 5) + 2 + j));
    assert.deepEqual([...got], want, `rows of ${width}`);
  }
});
