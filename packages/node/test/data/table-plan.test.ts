import assert from "node:assert/strict";
import { test } from "node:test";
import type { Table } from "../../src/data/csv.js";
import { detectTask, encodeFeatures, encodeTarget, fitTablePlan } from "../../src/data/table-plan.js";

const table = (rows: Record<string, string>[]): Table => ({ columns: Object.keys(rows[0]), rows, source: "t.csv" });

test("the task follows the target: text or a few integers are classes, other numbers regression", () => {
  assert.equal(detectTask(["yes", "no", "NA"]), "classification");
  assert.equal(detectTask(["0", "1", "1", ""]), "classification");
  assert.equal(detectTask(["1.5", "2", "3"]), "regression");
  assert.equal(detectTask(Array.from({ length: 30 }, (_, i) => String(i))), "regression");
});

test("numeric, date and categorical columns are encoded by rules fitted on the training rows; identifiers and free text are dropped", () => {
  const rows = Array.from({ length: 80 }, (_, i) => ({
    Id: String(i + 1),
    area: i === 3 ? "NA" : String(100 + i),
    sold: `2020-0${1 + (i % 9)}-1${i % 10}`,
    colour: ["red", "green", "blue"][i % 3],
    note: `free text number ${i}`,
    price: String(1000 + 10 * i),
  }));
  const t = table(rows);
  const train = Array.from({ length: 70 }, (_, i) => i);
  const plan = fitTablePlan(t, "price", train);
  assert.equal(plan.task, "regression");
  const kinds = Object.fromEntries(plan.columns.map((c) => [c.name, c.kind]));
  assert.deepEqual(kinds, { Id: "dropped", area: "numeric", sold: "date", colour: "categorical", note: "dropped" });
  assert.deepEqual(plan.featureNames.slice(0, 2), ["area", "area missing"]);
  assert.ok(plan.featureNames.includes("sold month") && plan.featureNames.includes("colour=(missing)"));
  const x = encodeFeatures(plan, [{ ...rows[0], area: "NA", colour: "purple" }]);
  const area = plan.columns.find((c) => c.name === "area")!;
  // a missing number becomes the training median (standardized) and sets its indicator
  assert.ok(Math.abs(x[0] - (area.median![0] - area.mean![0]) / area.std![0]) < 1e-6);
  assert.equal(x[1], 1);
  // an unseen category is "(other)"
  const other = plan.featureNames.indexOf("colour=(other)");
  assert.equal(x[other], 1);
  const y = encodeTarget(plan, [{ ...rows[0], price: "2000" }]);
  assert.ok(Math.abs(y[0] * plan.targetStd! + plan.targetMean! - 2000) < 1e-3);
  assert.throws(() => fitTablePlan(table([{ a: "1", b: "x" }]), "b", [0], "regression"), /target 'b' is not numeric/);
});

test("constant columns, and the date parts that never change, are left out", () => {
  const rows = Array.from({ length: 30 }, (_, i) => ({ flat: "3", day: `2024-0${1 + (i % 9)}-15`, y: String(i * 1.5) }));
  const plan = fitTablePlan(
    table(rows),
    "y",
    Array.from({ length: 30 }, (_, i) => i),
  );
  assert.equal(plan.columns[0].reason, "constant");
  assert.deepEqual(plan.columns[1].parts, ["month", "weekday"]);
  assert.deepEqual(plan.featureNames, ["day month", "day weekday"]);
});

test("classification plans list the classes in order, and an unseen class encodes as -1", () => {
  const rows = ["b", "a", "c", "a"].map((k, i) => ({ x: String(i), k }));
  const plan = fitTablePlan(table(rows), "k", [0, 1, 2, 3]);
  assert.deepEqual(plan.classes, ["a", "b", "c"]);
  assert.deepEqual(
    Array.from(
      encodeTarget(plan, [
        { x: "1", k: "c" },
        { x: "1", k: "z" },
        { x: "1", k: "" },
      ]),
    ),
    [2, -1, -1],
  );
});
