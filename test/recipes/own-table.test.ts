import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { TablePlan } from "@kerno/node/data/table-plan.js";
import { loadModel } from "@kerno/node/interop/load-model.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { dataPath } from "../../packages/node/test/helpers/data.js";
import { predictRows, regressionScores, TABLE_PLAN_FILE, trainOwnTable } from "../../src/recipes/own-table.js";

/** 600 rows whose class follows two numbers and a colour, with missing values and a date column. */
function classificationCsv(): string {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const lines = ["id,width,height,colour,seen,kind"];
  for (let i = 0; i < 600; i++) {
    const w = rand() * 10,
      h = rand() * 10,
      colour = ["red", "green", "blue"][Math.floor(rand() * 3)];
    const score = w + h + (colour === "red" ? 4 : 0);
    const kind = score < 8 ? "small" : score < 14 ? "medium" : "large";
    lines.push(`${i + 1},${i % 37 === 0 ? "NA" : w.toFixed(3)},${h.toFixed(3)},${colour},2024-0${1 + (i % 9)}-15,${kind}`);
  }
  const path = join(tempDir(), "things.csv");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

test("a classification CSV is detected as classification, beats the majority class, and its model predicts new rows", async () => {
  const csv = classificationCsv();
  const out = tempDir();
  const lines: string[] = [];
  const r = await trainOwnTable(csv, { out, flags: { target: "kind" }, log: (l) => lines.push(l) });
  assert.equal(r.task, "classification");
  const text = lines.join("\n");
  assert.match(text, /kind -> classification \(3 classes\); 2 numeric, 1 categorical, 1 date columns -> \d+ features; dropped id \(identifier\)/);
  const [network, logistic, majority] = r.rows as { model: string; accuracy: number; auc: number }[];
  assert.equal(logistic.model, "logistic regression");
  assert.match(majority.model, /^majority class \(/);
  assert.ok(network.accuracy > 0.85 && network.accuracy > majority.accuracy + 0.3, `network ${network.accuracy}, majority ${majority.accuracy}`);
  assert.ok(network.auc > 0.9, `AUC ${network.auc}`);
  assert.match(text, /precision\s+recall\s+f1-score\s+support/);
  for (const f of ["table-model.kerno", TABLE_PLAN_FILE, "report.json"]) assert.ok(existsSync(join(out, f)), f);
  const plan = JSON.parse(readFileSync(join(out, TABLE_PLAN_FILE), "utf8")) as TablePlan;
  const model = await loadModel(join(out, "table-model.kerno"));
  const [big, tiny] = predictRows(model, plan, [
    { id: "1", width: "9.5", height: "9.5", colour: "red", seen: "2024-03-01" },
    { id: "2", width: "0.5", height: "0.5", colour: "blue", seen: "2024-03-01" },
  ]);
  assert.deepEqual([big.prediction, tiny.prediction], ["large", "small"]);
  assert.throws(() => predictRows(model, plan, [{ width: "1" }]), /the rows lack column\(s\) the model was trained on: height, colour, seen/);
});

test("bad tables: a target that does not exist lists the columns; a missing --target or a bad --task says so", async () => {
  const csv = classificationCsv();
  const options = { out: tempDir(), log: () => {} };
  await assert.rejects(trainOwnTable(csv, { ...options, flags: { target: "size" } }), /has no column 'size'; columns: id, width, height, colour, seen, kind/);
  await assert.rejects(trainOwnTable(csv, { ...options, flags: {} }), /--target <column>/);
  await assert.rejects(
    trainOwnTable(csv, { ...options, flags: { target: "kind", task: "ranking" } }),
    /--task must be classification or regression, got 'ranking'/,
  );
  await assert.rejects(trainOwnTable(csv, { ...options, flags: { target: "kind", task: "regression" } }), /target 'kind' is not numeric/);
});

test("regression scores: MAE, RMSE and R2", () => {
  const s = regressionScores([1, 2, 3, 5], [1, 2, 3, 4]);
  assert.equal(s.mae, 0.25);
  assert.equal(s.rmse, 0.5);
  assert.ok(Math.abs(s.r2 - (1 - 1 / 5)) < 1e-12);
});

const houses = dataPath("house-prices", "train.csv");
test("house prices with no option beyond the target: the network beats linear regression", {
  skip: existsSync(houses) ? false : "house prices not in the data cache",
}, async () => {
  const r = await trainOwnTable(houses, { out: tempDir(), flags: { target: "SalePrice" }, log: () => {} });
  assert.equal(r.task, "regression");
  const [network, linear] = r.rows as { model: string; mae: number }[];
  assert.equal(linear.model, "linear regression");
  assert.ok(network.mae < linear.mae, `network MAE ${network.mae}, linear ${linear.mae}`);
});
