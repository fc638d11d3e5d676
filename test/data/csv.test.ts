import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { describeColumns, readCsv, tableToTensors } from "../../src/data/csv.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir();
const file = join(dir, "t.csv");
writeFileSync(file, "id,size,color,price\n1,10,red,100\n2,NA,blue,200\n3,30,red,300\n4,40,,400\n5,50,green,NA\n");

test("columns are typed; missing values recognized", () => {
  const t = readCsv(file);
  const info = describeColumns(t);
  assert.deepEqual(
    info.map((c) => [c.name, c.kind, c.missing]),
    [
      ["id", "numeric", 0],
      ["size", "numeric", 1],
      ["color", "categorical", 1],
      ["price", "numeric", 1],
    ],
  );
  assert.deepEqual(info[2].categories, ["red", "blue", "green"]);
});

test("to tensors: categorical one-hot or dropped, rows with missing numbers dropped", () => {
  const t = readCsv(file);
  const oneHot = tableToTensors(t, { target: "price", exclude: ["id"] });
  assert.deepEqual(oneHot.featureNames, ["size", "color=red", "color=blue", "color=green"]);
  assert.deepEqual(oneHot.rows, [0, 2, 3]);
  assert.deepEqual(oneHot.x.toArray(), [
    [10, 1, 0, 0],
    [30, 1, 0, 0],
    [40, 0, 0, 0],
  ]);
  assert.equal(oneHot.dropped, 2);
  const numeric = tableToTensors(t, { target: "price", exclude: ["id"], categorical: "drop" });
  assert.deepEqual(numeric.featureNames, ["size"]);
  assert.deepEqual(Array.from(numeric.y.data()), [100, 300, 400]);
});

test("bad input: missing file, unknown column, non-numeric target", () => {
  assert.throws(() => readCsv(join(dir, "missing.csv")), /cannot read .*missing.csv \(ENOENT\)/);
  const t = readCsv(file);
  assert.throws(() => tableToTensors(t, { target: "weight" }), /has no column 'weight'; columns: id, size, color, price/);
  assert.throws(() => tableToTensors(t, { target: "color" }), /target column 'color' is not numeric \(row 2 has 'red'\)/);
});
