import assert from "node:assert/strict";
import { test } from "node:test";
import { lastEpoch } from "../../src/recipes/recipe.js";

test("lastEpoch splits training and validation values", () => {
  assert.deepEqual(lastEpoch({ loss: [2, 1], accuracy: [0.5, 0.8], val_loss: [3, 1.5], learning_rate: [1, 1] }), {
    train: { loss: 1, accuracy: 0.8 },
    validation: { loss: 1.5 },
  });
});
