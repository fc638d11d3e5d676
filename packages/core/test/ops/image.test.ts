import assert from "node:assert/strict";
import { test } from "node:test";
import { mapCoordinate } from "../../src/backends/js/transform.js";
import { imageTransform, randomNormal, tensor } from "../../src/index.js";
import { assertClose, checkGrad } from "../helpers/gradcheck.js";

/** A 1 x 1 x 4 x 1 image [a b c d] = [1 2 3 4] shifted by dx (output x reads input x + dx). */
const shifted = (dx: number, fillMode: "constant" | "reflect" | "wrap" | "nearest", outW = 4) =>
  Array.from(
    imageTransform(tensor([1, 2, 3, 4], [1, 1, 4, 1]), tensor([[1, 0, dx, 0, 1, 0, 0, 0]]), { fillMode, outputSize: [1, outW], fillValue: -1 }).floats(),
  );

test("fill modes follow TensorFlow's: reflect dcba|abcd|dcba, wrap abcd|abcd, nearest aaaa|abcd|dddd, constant", () => {
  assert.deepEqual(shifted(-4, "reflect", 12), [4, 3, 2, 1, 1, 2, 3, 4, 4, 3, 2, 1]);
  assert.deepEqual(shifted(-2, "nearest", 8), [1, 1, 1, 2, 3, 4, 4, 4]);
  assert.deepEqual(shifted(-2, "constant", 8), [-1, -1, 1, 2, 3, 4, -1, -1]);
  assert.deepEqual(
    [-1, -0.5, 0, 3, 4.5].map((c) => mapCoordinate(c, 4, "reflect")),
    [0, 0, 0, 3, 2.5],
  );
  assert.deepEqual(
    [-1, 4, 5].map((c) => mapCoordinate(c, 4, "wrap")),
    [3, 0, 1],
  );
  // a half-pixel shift interpolates neighbours
  assert.deepEqual(shifted(0.5, "nearest"), [1.5, 2.5, 3.5, 4]);
});

test("identity, a 90-degree rotation and nearest sampling; per-image transforms", () => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  assert.deepEqual(Array.from(imageTransform(x, tensor([[1, 0, 0, 0, 1, 0, 0, 0]])).floats()), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // output (x, y) reads input (y, 2 - x): a quarter turn
  const rot = imageTransform(x, tensor([[0, 1, 0, -1, 0, 2, 0, 0]]), { interpolation: "nearest" });
  assert.deepEqual(Array.from(rot.floats()), [7, 4, 1, 8, 5, 2, 9, 6, 3]);
  const two = imageTransform(
    tensor([1, 2, 3, 4, 1, 2, 3, 4], [2, 1, 4, 1]),
    tensor([
      [1, 0, 0, 0, 1, 0, 0, 0],
      [1, 0, 1, 0, 1, 0, 0, 0],
    ]),
    { fillMode: "nearest" },
  );
  assert.deepEqual(Array.from(two.floats()), [1, 2, 3, 4, 2, 3, 4, 4]);
});

test("gradients with respect to the images, every fill mode; bad transforms are errors", () => {
  const x = randomNormal([2, 5, 6, 2], 0, 1, { seed: 1 });
  const t = tensor([
    [0.9, -0.3, 1.2, 0.25, 1.1, -0.7, 0, 0],
    [1.2, 0.1, -1.3, 0, 0.8, 0.6, 0.01, 0.02],
  ]);
  for (const fillMode of ["constant", "reflect", "wrap", "nearest"] as const) {
    checkGrad((img) => imageTransform(img, t, { fillMode }), [x], { eps: 1e-3 });
  }
  assert.throws(() => imageTransform(x, tensor([[1, 0, 0]])), /imageTransform: transforms must be \[2, 8\]/);
  assert.throws(() => imageTransform(x, t, { fillMode: "mirror" as never }), /fillMode must be one of constant, reflect, wrap, nearest/);
  assertClose(imageTransform(x, tensor([[1, 0, 0, 0, 1, 0, 0, 0]])).floats(), x.floats(), 0, 0);
});
