import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { combineHierarchy, groupByEmbeddings, groupClasses, trainHierarchy } from "../../src/hierarchical/classifier.js";
import { Dense, Input, loadModel, Sequential, setSeed, type Tensor, tensor } from "../../src/index.js";

/** Four classes of 2-D points: 0 and 1 near (-3, 0), 2 and 3 near (3, 0); within a pair, apart in y. */
function points(n: number, seed: number): { x: Tensor; y: Tensor } {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  };
  const centres = [
    [-3, -1],
    [-3, 1],
    [3, -1],
    [3, 1],
  ];
  const xs: number[] = [],
    ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    xs.push(centres[c][0] + rand(), centres[c][1] + 0.6 * rand());
    ys.push(c);
  }
  return { x: tensor(xs, [n, 2]), y: tensor(Int32Array.from(ys), [n], "int32") };
}

const build = (classes: number, role: string) => {
  const m = new Sequential([Input({ shape: [2] }), new Dense({ units: 16, activation: "relu" }), new Dense({ units: classes, activation: "softmax" })], {
    name: role,
  });
  m.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  return m;
};

test("groups from a confusion matrix or embeddings; coarse model and experts joined into one model that saves and loads", async () => {
  const confusion = [
    [40, 10, 0, 0],
    [12, 38, 0, 0],
    [0, 0, 45, 5],
    [0, 1, 6, 43],
  ];
  assert.deepEqual(groupClasses(confusion, { k: 2 }).groups, [
    [0, 1],
    [2, 3],
  ]);
  assert.deepEqual(groupClasses(confusion, { k: 2 }, "average").groups, [
    [0, 1],
    [2, 3],
  ]);
  const train = points(400, 1);
  assert.deepEqual(groupByEmbeddings(train.x, train.y.data(), 4, { k: 2 }).groups, [
    [0, 1],
    [2, 3],
  ]);
  setSeed(3);
  const lines: string[] = [];
  const parts = await trainHierarchy(train.x, train.y, {
    groups: [
      [0, 1],
      [2, 3],
    ],
    build,
    epochs: 30,
    seed: 3,
    log: (l) => lines.push(l),
  });
  assert.equal(parts.experts.length, 2);
  assert.match(lines.join("\n"), /expert for group 1 \(2 classes, 200 examples\)/);
  const model = combineHierarchy(parts, "product");
  const test = points(200, 7);
  const probs = (model.predict(test.x) as Tensor).floats();
  const truth = test.y.data();
  let right = 0;
  for (let i = 0; i < 200; i++) {
    let best = 0;
    for (let c = 1; c < 4; c++) if (probs[i * 4 + c] > probs[i * 4 + best]) best = c;
    if (best === truth[i]) right++;
    const rowSum = probs[i * 4] + probs[i * 4 + 1] + probs[i * 4 + 2] + probs[i * 4 + 3];
    assert.ok(Math.abs(rowSum - 1) < 1e-5, "the product is a distribution");
  }
  assert.ok(right / 200 > 0.9, `accuracy ${right / 200}`);
  const file = join(tempDir(), "h.kerno");
  model.save(file);
  const loaded = await loadModel(file);
  assert.deepEqual(Array.from((loaded.predict(test.x) as Tensor).floats()), Array.from(probs));
  // a single-class group needs no expert
  const lonely = await trainHierarchy(train.x, train.y, { groups: [[0, 1, 2], [3]], build, epochs: 1 });
  assert.equal(lonely.experts.length, 1);
  assert.deepEqual((combineHierarchy(lonely, "route").predict(test.x) as Tensor).shape, [200, 4]);
});
