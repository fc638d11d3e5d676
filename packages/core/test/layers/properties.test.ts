/**
 * Layers under random input shapes (rank 0 to 5, zero-size dimensions included) and dtypes: a
 * call either returns what computeOutputShape promised for that input, or throws an error that
 * starts with the layer's class and name (Conv2D 'conv2d_3': ...).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import * as k from "../../src/index.js";

const makers: [string, () => k.Layer][] = [
  ["Dense", () => new k.Dense({ units: 3 })],
  ["Conv2D", () => new k.Conv2D({ filters: 2, kernelSize: 2, padding: "same" })],
  ["Conv1D", () => new k.Conv1D({ filters: 2, kernelSize: 2 })],
  ["MaxPooling2D", () => new k.MaxPooling2D()],
  ["GlobalAveragePooling2D", () => new k.GlobalAveragePooling2D()],
  ["LSTM", () => new k.LSTM({ units: 2 })],
  ["GRU", () => new k.GRU({ units: 2, returnSequences: true })],
  ["Flatten", () => new k.Flatten()],
  ["Reshape", () => new k.Reshape({ targetShape: [2, -1] })],
  ["BatchNormalization", () => new k.BatchNormalization()],
  ["Embedding", () => new k.Embedding({ inputDim: 5, outputDim: 2 })],
  ["Softmax", () => new k.Softmax()],
  ["Rescaling", () => new k.Rescaling({ scale: 0.5 })],
];

test("layers on random shapes: the promised output shape, or an error naming the layer", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: makers.length - 1 }),
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 5 }),
      fc.constantFrom("float32", "int32" as const),
      (i, shape, dtype) => {
        const [name, make] = makers[i];
        const layer = make();
        const size = shape.reduce((a, b) => a * b, 1);
        const x = k.tensor(
          Float32Array.from({ length: size }, (_, j) => j % 5),
          shape,
          dtype,
        );
        let y: k.Tensor;
        try {
          y = layer.apply(x) as k.Tensor;
        } catch (err) {
          const message = (err as Error).message;
          assert.ok(message.startsWith(`${name} '${layer.name}'`), `${name} on ${JSON.stringify(shape)} ${dtype}: error does not name the layer: ${message}`);
          return;
        }
        const promised = layer.computeOutputShape(shape) as (number | null)[];
        assert.deepEqual([...y.shape], promised, `${name} on ${JSON.stringify(shape)}`);
      },
    ),
    { numRuns: 300, seed: 5 },
  );
});
