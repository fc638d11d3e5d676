import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { describeColumns, readCsv, tableToTensors } from "../../src/data/csv.js";

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

test("an identifier column of unique strings is dropped and reported, not one-hot encoded, at 150,000 rows", () => {
  const n = 150_000;
  const lines = ["user,size,price"];
  for (let i = 0; i < n; i++) lines.push(`u${i.toString(36)}x,${i % 7},${i % 11}`);
  const big = join(dir, "ids.csv");
  writeFileSync(big, `${lines.join("\n")}\n`);
  const t = tableToTensors(readCsv(big), { target: "price" });
  assert.deepEqual(t.featureNames, ["size"]);
  assert.deepEqual(t.x.shape, [n, 1]);
  assert.deepEqual(t.droppedColumns, [{ name: "user", reason: `free text or an identifier (${n} distinct values in ${n} rows)` }]);
  assert.equal(t.x.data()[8], 1);
});

test("a categorical column of many repeated values keeps the 50 most frequent and one '(other)'", () => {
  const lines = ["city,price"];
  // city k appears 200 - k times: 120 distinct values in 16,860 rows, so not an identifier
  for (let k = 0; k < 120; k++) for (let j = 0; j < 200 - k; j++) lines.push(`c${k},${k}`);
  const file = join(dir, "cities.csv");
  writeFileSync(file, `${lines.join("\n")}\n`);
  const t = tableToTensors(readCsv(file), { target: "price" });
  assert.equal(t.featureNames.length, 51);
  assert.deepEqual([t.featureNames[0], t.featureNames[49], t.featureNames[50]], ["city=c0", "city=c49", "city=(other)"]);
  const x = t.x.data();
  // every row is kept, so a table row's index is its row in x
  const rowOf = (k: number) => {
    const i = lines.indexOf(`c${k},${k}`) - 1;
    return Array.from(x.subarray(i * 51, (i + 1) * 51));
  };
  assert.equal(rowOf(3).indexOf(1), 3);
  assert.equal(rowOf(100).indexOf(1), 50);
  assert.deepEqual(t.droppedColumns, []);
});

test("UTF-16 files (with a BOM or without, either byte order) are read; other binary files are named as such", () => {
  const text = "name,size,price\nfür,1,10\nnaïve,2,20\n";
  const le = Buffer.from(text, "utf16le");
  const be = Buffer.from(le).swap16();
  const cases: [string, Buffer][] = [
    ["le-bom.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), le])],
    ["be-bom.csv", Buffer.concat([Buffer.from([0xfe, 0xff]), be])],
    ["le.csv", le],
    ["be.csv", be],
    ["utf8-bom.csv", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
  ];
  for (const [name, bytes] of cases) {
    writeFileSync(join(dir, name), bytes);
    const t = readCsv(join(dir, name));
    assert.deepEqual(t.columns, ["name", "size", "price"], name);
    assert.deepEqual(
      t.rows.map((r) => r.name),
      ["für", "naïve"],
      name,
    );
  }
  writeFileSync(join(dir, "model.bin"), Buffer.from([1, 2, 0, 3, 4, 5, 6, 7, 8, 9, 0, 1]));
  assert.throws(() => readCsv(join(dir, "model.bin")), /readCsv: .*model.bin is not a text file \(it holds zero bytes; expected CSV in UTF-8 or UTF-16\)/);
  writeFileSync(join(dir, "latin1.csv"), Buffer.from("a,b\n\xe9,1\n", "latin1"));
  assert.throws(() => readCsv(join(dir, "latin1.csv")), /latin1.csv is not valid UTF-8 text \(expected CSV in UTF-8 or UTF-16; save it as UTF-8\)/);
});
