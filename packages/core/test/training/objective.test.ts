import assert from "node:assert/strict";
import { test } from "node:test";
import { SGD, tensor } from "../../src/index.js";
import { resolveCompile } from "../../src/training/compile.js";
import { weightedLoss } from "../../src/training/objective.js";

test("the objective: per-output means (sample-weighted), loss weights, plus penalties", () => {
  const { compiled } = resolveCompile({ optimizer: new SGD(), loss: ["mse", "mae"], lossWeights: [1, 0.5] }, ["a", "b"], [null, null]);
  const ys = [tensor([[0], [0]]), tensor([[1], [1]])];
  const outs = [tensor([[1], [3]]), tensor([[0], [3]])];
  const plain = weightedLoss(compiled, ys, outs, null, []);
  assert.deepEqual(
    plain.parts.map((p) => p.item()),
    [5, 1.5],
  );
  assert.equal(plain.total.item(), 5 + 0.5 * 1.5);
  const weighted = weightedLoss(compiled, ys, outs, tensor([2, 0]), [tensor(0.25)]);
  // sum(w * l) / n: mse (2 * 1 + 0 * 9) / 2 = 1, mae (2 * 1 + 0) / 2 = 1
  assert.deepEqual(
    weighted.parts.map((p) => p.item()),
    [1, 1],
  );
  assert.equal(weighted.total.item(), 1 + 0.5 + 0.25);
});
