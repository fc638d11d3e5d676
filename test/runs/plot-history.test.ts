import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { Dense, Input, plotHistory, Sequential, tensor } from "../../src/index.js";

/** The <path> elements of a Vega SVG that draw a line mark (one per curve). */
const curves = (svg: string) => (svg.match(/role-mark[^>]*marktype-line|aria-roledescription="line mark"/g) ?? []).length;

test("plotHistory draws a panel per metric with its training and validation curves, as SVG or PNG by extension", async () => {
  const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 2, activation: "softmax" })]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const x = tensor([0, 1, 1, 0, 1, 1, 0, 0], [4, 2]);
  const y = tensor([0, 1, 1, 0], [4], "int32");
  const history = await model.fit(x, y, { epochs: 3, validationData: [x, y], verbose: 0 });
  const dir = tempDir();
  const svg = readFileSync(await plotHistory(history, join(dir, "curves.svg")), "utf8");
  assert.match(svg, /^<svg/);
  for (const text of ["loss", "accuracy", "epoch", "training", "validation"]) assert.ok(svg.includes(text), text);
  assert.equal(curves(svg), 4, "two metrics x (training, validation)");
  const png = await plotHistory(history.history, join(dir, "curves.png"), { metrics: ["accuracy"], title: "toy" });
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, "png");
  assert.ok(meta.width! > 400 && meta.height! > 200, `${meta.width}x${meta.height}`);
  await assert.rejects(plotHistory(history, join(dir, "curves.pdf")), /plotHistory: .*curves\.pdf: expected a file ending in \.svg or \.png, found '\.pdf'/);
  await assert.rejects(
    plotHistory(history, join(dir, "x.svg"), { metrics: ["mae"] }),
    /no metric 'mae' in the history \(it has loss, accuracy, val_loss, val_accuracy\)/,
  );
});
