import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
  type Tensor,
  tensor,
} from "../../src/index.js";
import { checkLayer } from "../helpers/layers.js";

test("pooling layers: output shapes, no parameters", () => {
  checkLayer(new MaxPooling2D({ poolSize: 2 }), [26, 26, 32], [null, 13, 13, 32], 0);
  checkLayer(new MaxPooling2D({ poolSize: 2 }), [11, 11, 64], [null, 5, 5, 64], 0);
  checkLayer(new MaxPooling2D({ poolSize: 3, strides: 2, padding: "same" }), [7, 7, 2], [null, 4, 4, 2], 0);
  checkLayer(new AveragePooling2D(), [6, 6, 3], [null, 3, 3, 3], 0);
  checkLayer(new GlobalAveragePooling2D(), [7, 7, 512], [null, 512], 0);
  checkLayer(new GlobalMaxPooling2D({ keepdims: true }), [7, 7, 5], [null, 1, 1, 5], 0);
  checkLayer(new MaxPooling1D({ poolSize: 2 }), [9, 4], [null, 4, 4], 0);
  checkLayer(new AveragePooling1D({ poolSize: 3, padding: "same" }), [10, 2], [null, 4, 2], 0);
  checkLayer(new GlobalAveragePooling1D(), [6, 3], [null, 3], 0);
  checkLayer(new GlobalMaxPooling1D(), [6, 3], [null, 3], 0);
});

test("global pooling values", () => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
  assert.deepEqual((new GlobalAveragePooling2D().apply(x) as Tensor).toArray(), [[4, 5]]);
  assert.deepEqual((new GlobalMaxPooling2D().apply(x) as Tensor).toArray(), [[7, 8]]);
  assert.throws(() => new MaxPooling2D().apply(tensor([1, 2, 3, 4], [2, 2])), /MaxPooling2D '.*': expected input of rank 4/);
});
