import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { CSVLogger, Dense, Input, randomNormal, Sequential } from "../../src/index.js";

test("CSVLogger writes a header and one row per epoch", async () => {
  const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })]);
  model.compile({ optimizer: "adam", loss: "mse" });
  const csv = join(tempDir(), "log.csv");
  await model.fit(randomNormal([32, 2], 0, 1, { seed: 3 }), randomNormal([32, 1], 0, 1, { seed: 4 }), {
    epochs: 3,
    verbose: 0,
    callbacks: [new CSVLogger(csv)],
  });
  const rows = readFileSync(csv, "utf8").trim().split("\n");
  assert.equal(rows[0], "epoch,loss");
  assert.equal(rows.length, 4);
});
