import assert from "node:assert/strict";
import { test } from "node:test";
import { Dataset, type Example, MemoryBudget, mul, range, reshape, type Tensor, tensor } from "../../src/index.js";

const x = reshape(range(20), [10, 2]);
const y = range(10);

test("fromTensors + batch yields gathered rows; a final partial batch unless dropRemainder", async () => {
  const batches = await Dataset.fromTensors(x, y).batch(4).toArray();
  assert.deepEqual(
    batches.map((b) => (b.x as Tensor).shape),
    [
      [4, 2],
      [4, 2],
      [2, 2],
    ],
  );
  assert.deepEqual((batches[2].y as Tensor).toArray(), [8, 9]);
  assert.equal(Dataset.fromTensors(x, y).batch(4, { dropRemainder: true }).cardinality, 2);
  assert.throws(() => Dataset.fromTensors(x, range(9)), /same first dimension/);
});

test("a seeded shuffle is a new permutation each pass and the same across runs", async () => {
  const order = async (ds: Dataset<Example>) => (await ds.toArray()).map((e) => (e.y as Tensor).item());
  const ds = Dataset.fromTensors(x, y).shuffle(7);
  const [p1, p2] = [await order(ds), await order(ds)];
  assert.deepEqual(
    [...p1].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.notDeepEqual(p1, p2);
  assert.deepEqual(await order(Dataset.fromTensors(x, y).shuffle(7)), p1);
});

test("map (sync and async), prefetch, take, skip and generators", async () => {
  const doubled = Dataset.fromTensors(x, y)
    .map(async (e) => ({ x: mul(e.x as Tensor, 2), y: e.y }))
    .prefetch(3)
    .batch(5);
  const first = (await doubled.take(1).toArray())[0];
  assert.deepEqual(((first.x as Tensor).toArray() as number[][])[1], [4, 6]);
  assert.equal((await Dataset.fromTensors(x, y).skip(8).toArray()).length, 2);
  const gen = Dataset.fromGenerator(function* () {
    for (let i = 0; i < 5; i++) yield { x: tensor([i, i]), y: tensor(i) };
  }).batch(2);
  const out = await gen.toArray();
  assert.equal(out.length, 3);
  assert.deepEqual((out[0].x as Tensor).toArray(), [
    [0, 0],
    [1, 1],
  ]);
  const buffered = await Dataset.fromGenerator(function* () {
    for (let i = 0; i < 50; i++) yield i;
  })
    .shuffle(1, 8)
    .toArray();
  assert.deepEqual(
    [...buffered].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
});

test("unbatch cuts batches into examples; shuffling after it mixes examples across batches", async () => {
  const rowsBack = await Dataset.fromTensors(x, y).batch(4).unbatch().toArray();
  assert.equal(rowsBack.length, 10);
  assert.deepEqual((rowsBack[5].x as Tensor).toArray(), [10, 11]);
  assert.equal((rowsBack[5].y as Tensor).item(), 5);
  // fixed batches of a cache, re-dealt each pass
  const cached = Dataset.fromTensors(x, y).batch(5).cache().unbatch().shuffle(3).batch(5).assertCardinality(2);
  assert.equal(cached.cardinality, 2);
  const labels = async () => (await cached.toArray()).map((b) => Array.from((b.y as Tensor).data()));
  const [p1, p2] = [await labels(), await labels()];
  assert.deepEqual(
    p1.flat().sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.notDeepEqual(p1, p2);
  assert.ok(
    p1.some((b) => b.some((v) => v < 5) && b.some((v) => v >= 5)),
    `batches ${JSON.stringify(p1)} never mix`,
  );
});

test("assertCardinality fails a pass with another count", async () => {
  await assert.rejects(Dataset.fromTensors(x, y).assertCardinality(9).toArray(), /expected 9 elements, got more/);
  await assert.rejects(Dataset.fromTensors(x, y).assertCardinality(11).toArray(), /expected 11 elements, got 10/);
});

test("cache keeps decoded pixels as bytes and replays them; past its budget it reads the source again and says so once", async () => {
  let passes = 0;
  const pixels = (b: number) =>
    tensor(
      Float32Array.from({ length: 12 }, (_, i) => (b * 12 + i) % 256),
      [2, 6],
    );
  const source = Dataset.fromGenerator(function* () {
    passes++;
    for (let b = 0; b < 3; b++) yield { x: pixels(b), y: tensor(Int32Array.of(b, b), [2], "int32") };
  }, 3);
  const values = async (ds: Dataset<Example>) => (await ds.toArray()).map((e) => Array.from((e.x as Tensor).floats()));
  const cached = source.cache();
  const first = await values(cached);
  assert.deepEqual(await values(cached), first);
  assert.equal(passes, 1);

  const lines: string[] = [];
  passes = 0;
  const small = source.cache({ maxBytes: 40, log: (l) => lines.push(l) });
  for (let epoch = 0; epoch < 3; epoch++) assert.deepEqual(await values(small), first);
  assert.equal(passes, 3, "every pass read the source");
  assert.deepEqual(lines, ["Dataset.cache(): the elements pass the memory budget of 0 MB; every pass reads the source again instead"]);
});

test("a cache pass stopped early gives its bytes back to a shared budget", async () => {
  const budget = new MemoryBudget(1000);
  const source = Dataset.fromGenerator(function* () {
    for (let b = 0; b < 4; b++) yield tensor(new Float32Array(10).fill(0.5), [10]);
  }, 4);
  const cached = source.cache({ maxBytes: budget });
  for (let pass = 0; pass < 5; pass++) {
    for await (const _ of cached) break;
  }
  assert.equal(budget.used, 0);
  await cached.toArray();
  assert.equal(budget.used, 160, "a whole pass keeps its elements");
});
