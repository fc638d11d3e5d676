import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { assertClose } from "../../packages/core/test/helpers/gradcheck.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { randomNormal } from "../../src/index.js";
import { housePrices, linearRegression } from "../../src/recipes/house-prices.js";

const dir = tempDir();

test("linear regression recovers an exact linear relation", () => {
  const x = randomNormal([50, 3], 0, 1, { seed: 1 });
  const v = x.floats();
  const y = Float32Array.from({ length: 50 }, (_, i) => 2 + 3 * v[3 * i] - v[3 * i + 1] + 0.5 * v[3 * i + 2]);
  const predict = linearRegression(x, { data: () => y, size: 50 } as never);
  assertClose(predict(x), y, 1e-4, 1e-4);
});

test("house-prices on a generated table: network and baseline dev MAE in dollars", async () => {
  const lines = ["Id,area,rooms,kind,price"];
  for (let i = 0; i < 300; i++) {
    const area = 50 + ((i * 37) % 200),
      rooms = 1 + (i % 5);
    lines.push(`${i},${area},${i % 17 === 0 ? "NA" : rooms},${i % 2 ? "house" : "flat"},${1000 * area + 5000 * rooms + ((i * 7919) % 3000)}`);
  }
  const csv = join(dir, "homes.csv");
  writeFileSync(csv, `${lines.join("\n")}\n`);
  const result = await housePrices.run({ epochs: 60, seed: 3, verbose: 0, out: join(dir, "out"), log: () => {}, flags: { csv, target: "price" } });
  const mae = result.devMaeDollars as { network: number; linearRegression: number };
  assert.equal(result.features, 2, "numeric columns only, Id excluded");
  assert.ok((result.rows as { dev: number }).dev > 20);
  assert.ok(mae.linearRegression < 3000, `linear ${mae.linearRegression}`);
  assert.ok(mae.network < 40000, `network ${mae.network}`);
  assert.equal((result.devMaePerEpoch as number[]).length, result.epochs);
});

test("bad tables are clear errors", async () => {
  const csv = join(dir, "bad.csv");
  writeFileSync(csv, "a,b\n1,x\n2,y\n");
  await assert.rejects(housePrices.run({ log: () => {}, flags: { csv, target: "b" } }), /target column 'b' is not numeric \(row 2 has 'x'\)/);
  await assert.rejects(housePrices.run({ log: () => {}, flags: { csv, target: "c" } }), /has no column 'c'/);
  await assert.rejects(housePrices.run({ log: () => {}, flags: { csv: join(dir, "nope.csv"), target: "a" } }), /cannot read .*nope.csv/);
});
