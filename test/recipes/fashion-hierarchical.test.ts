import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { fashionHierarchical } from "../../src/recipes/fashion-hierarchical.js";

test("fashion-mnist-hierarchical: flat vs hierarchical, the groups, per-level accuracy, one saved model and a dendrogram", {
  skip: needsData("Fashion-MNIST", "fashion-mnist/train-images-idx3-ubyte.gz"),
}, async () => {
  const out = tempDir();
  const lines: string[] = [];
  const r = await fashionHierarchical.run({ epochs: 1, out, log: (l) => lines.push(l) });
  const groups = r.groups as string[][];
  assert.equal(groups.length, 4);
  assert.equal(groups.flat().length, 10);
  const tops = groups.find((g) => g.includes("Shirt"))!;
  assert.ok(
    ["Pullover", "Coat", "T-shirt/top"].every((c) => tops.includes(c)),
    `the tops group: ${tops.join(", ")}`,
  );
  const h = r.hierarchical as { productAccuracy: number; routeAccuracy: number; coarseAccuracy: number };
  assert.ok(h.productAccuracy > 0.7 && h.routeAccuracy > 0.7 && h.coarseAccuracy > h.productAccuracy);
  assert.ok((r.flat as { accuracy: number }).accuracy > 0.7);
  assert.match(lines.join("\n"), /the hierarchy (helped|did not help): -?\d+\.\d\d points/);
  for (const f of ["hierarchical.kerno", "dendrogram.svg", "report.json"]) assert.ok(existsSync(join(out, f)), f);
});
