import assert from "node:assert/strict";
import { test } from "node:test";
import { agglomerate, confusionDistance, cutTree, dendrogramSvg, euclidean } from "../../src/hierarchical/clustering.js";

// points on a line: 0, 1, 5, 6, 20
const points = [[0], [1], [5], [6], [20]];
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

test("Ward linkage merges as scipy does: heights sqrt(2 na nb / (na + nb)) times the centroid distance", () => {
  const merges = agglomerate(euclidean(points), "ward");
  assert.deepEqual(
    merges.map((m) => [m.a, m.b, m.size]),
    [
      [0, 1, 2],
      [2, 3, 2],
      [5, 6, 4],
      [4, 7, 5],
    ],
  );
  assert.ok(close(merges[0].distance, 1) && close(merges[1].distance, 1));
  assert.ok(close(merges[2].distance, Math.sqrt(2) * 5), `${merges[2].distance}`);
  assert.ok(close(merges[3].distance, Math.sqrt(1.6) * 17), `${merges[3].distance}`);
});

test("average linkage: the mean distance between members", () => {
  const merges = agglomerate(euclidean(points), "average");
  assert.deepEqual(
    merges.map((m) => m.distance),
    [1, 1, 5, 17],
  );
  assert.throws(() => agglomerate([[0]]), /at least 2 items/);
});

test("cutting the tree into k groups or at a height", () => {
  const merges = agglomerate(euclidean(points), "ward");
  assert.deepEqual(cutTree(merges, { k: 3 }), [[0, 1], [2, 3], [4]]);
  assert.deepEqual(cutTree(merges, { k: 2 }), [[0, 1, 2, 3], [4]]);
  assert.deepEqual(cutTree(merges, { k: 5 }), [[0], [1], [2], [3], [4]]);
  assert.deepEqual(cutTree(merges, { threshold: 8 }), [[0, 1, 2, 3], [4]]);
  assert.throws(() => cutTree(merges, { k: 6 }), /k must be between 1 and 5, got 6/);
});

test("confusion distances: classes mistaken for each other are close; the dendrogram names every class", () => {
  const confusion = [
    [80, 20, 0],
    [30, 70, 0],
    [0, 1, 99],
  ];
  const d = confusionDistance(confusion);
  assert.ok(close(d[0][1], 1 - (0.2 + 0.3) / 2) && close(d[0][0], 0));
  assert.ok(d[0][1] < d[0][2] && d[1][2] < 1);
  const svg = dendrogramSvg(agglomerate(d, "average"), ["cat", "dog", "car & bus"]);
  assert.ok(svg.includes(">cat<") && svg.includes(">car &amp; bus<") && svg.includes("<path"));
});
