import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ramp } from "../../packages/core/test/helpers/gradcheck.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { Dense, Input, RunHistory, Sequential } from "../../src/index.js";

test("fit with a RunHistory callback writes the summary once and appends each epoch to history.csv; another model gets its own file", async () => {
  const runDir = tempDir();
  const x = ramp([8, 2]);
  const y = ramp([8, 1]);
  const make = (name: string) => {
    const m = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })], { name });
    m.compile({ optimizer: "sgd", loss: "mse" });
    return m;
  };
  const first = make("first");
  let rowsSeen = 0;
  await first.fit(x, y, {
    epochs: 3,
    verbose: 0,
    validationData: [x, y],
    callbacks: [
      {
        onEpochEnd: () => {
          rowsSeen = readFileSync(join(runDir, "history.csv"), "utf8").trim().split("\n").length - 1;
        },
      },
      new RunHistory(runDir),
    ],
  });
  const lines = readFileSync(join(runDir, "history.csv"), "utf8").trim().split("\n");
  assert.equal(lines[0], "epoch,loss,val_loss");
  assert.equal(lines.length, 4);
  assert.ok(rowsSeen >= 2, "rows are on disk while training goes on");
  assert.match(readFileSync(join(runDir, "summary.txt"), "utf8"), /Model: "first"/);
  await first.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new RunHistory(runDir)] });
  assert.equal(readFileSync(join(runDir, "history.csv"), "utf8").trim().split("\n").length, 5, "the same model appends");
  await make("second").fit(x, y, { epochs: 2, verbose: 0, callbacks: [new RunHistory(runDir)] });
  assert.ok(existsSync(join(runDir, "history-second.csv")));
  assert.match(readFileSync(join(runDir, "summary.txt"), "utf8"), /Model: "first"/);
});
