import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Concatenate, Dense, Input, Model } from "@kerno/core";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { plotModel, toDot } from "../../src/index.js";

test("plotModel writes an SVG and a DOT of a branching graph with shapes on the edges", () => {
  const x = Input({ shape: [8], name: "features" });
  const a = new Dense({ units: 4, name: "left" }).apply(x),
    b = new Dense({ units: 3, name: "right" }).apply(x);
  const out = new Dense({ units: 1, name: "head" }).apply(new Concatenate({ name: "join" }).apply([a, b]) as never);
  const model = new Model({ inputs: x, outputs: out, name: "branchy" });
  const files = plotModel(model, join(tempDir(), "graph.svg"));
  const svg = readFileSync(files.svg, "utf8"),
    dot = readFileSync(files.dot, "utf8");
  assert.match(svg, /^<svg[^>]+width="\d+" height="\d+"/);
  for (const label of ["left (Dense)", "right (Dense)", "join (Concatenate)", "(None, 4)", "(None, 7)"]) {
    assert.ok(svg.includes(label.replace(/[()]/g, (c) => c)), `svg shows ${label}`);
  }
  assert.match(dot, /digraph "branchy"/);
  assert.equal((dot.match(/->/g) ?? []).length, 6, "input->left, input->right, left->join, right->join, join->head, head->output");
  assert.match(toDot(model), /label="\(None, 3\)"/);
});
