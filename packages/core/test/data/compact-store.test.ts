import assert from "node:assert/strict";
import { test } from "node:test";
import { CompactStore, defaultStoreBudget, MemoryBudget, STORE_BUDGET_CAP } from "../../src/data/compact-store.js";
import type { Example } from "../../src/data/dataset.js";
import { stackElements } from "../../src/data/element-batching.js";
import { tensor } from "../../src/tensor/creation.js";
import type { Tensor } from "../../src/tensor/tensor.js";

test("decoded pixels (whole numbers 0..255) are kept as bytes and come back as the same float32 tensor", () => {
  const store = new CompactStore<Example>();
  const pixels = tensor(
    Float32Array.from({ length: 48 }, (_, i) => (i * 37) % 256),
    [4, 4, 3],
  );
  const label = tensor(Int32Array.of(1), [1], "int32");
  assert.ok(store.add({ x: pixels, y: label }));
  assert.equal(store.bytes, 48 + 4, "48 pixels as bytes, the int32 label as it was");
  assert.equal(store.givenBytes, 48 * 4 + 4);
  const back = store.get(0);
  assert.equal((back.x as Tensor).dtype, "float32");
  assert.deepEqual((back.x as Tensor).shape, [4, 4, 3]);
  assert.deepEqual(Array.from((back.x as Tensor).floats()), Array.from(pixels.floats()));
  assert.equal(back.y, label);
});

test("stack(indices) gives the batch stackElements gives of those elements: bytes straight into float32, other tensors stacked", () => {
  const store = new CompactStore<Example>();
  const image = (k: number, odd = false) =>
    tensor(
      Float32Array.from({ length: 12 }, (_, i) => (odd && i === 0 ? 0.5 : (i * 31 + k * 7) % 256)),
      [2, 2, 3],
    );
  for (let k = 0; k < 5; k++) store.add({ x: image(k, k === 3), y: tensor(Float32Array.of(k % 2), [1]) });
  for (const picked of [[4, 0, 2], [3, 1], [2]]) {
    const got = store.stack(picked);
    const want = stackElements(picked.map((i) => store.get(i))) as Example;
    for (const field of ["x", "y"] as const) {
      const [g, w] = [got[field] as Tensor, want[field] as Tensor];
      assert.deepEqual([g.dtype, g.shape], [w.dtype, w.shape], `${field} of [${picked}]`);
      assert.deepEqual(Array.from(g.floats()), Array.from(w.floats()), `${field} of [${picked}]`);
    }
  }
  assert.throws(() => store.stack([0, 5]), /CompactStore.stack: element 5 of 5/);
  const ragged = new CompactStore<Tensor>();
  ragged.add(tensor(Float32Array.of(1, 2), [2]));
  ragged.add(tensor(Float32Array.of(1, 2, 3), [3]));
  assert.throws(() => ragged.stack([0, 1]), /element 1 has shape \[3\], element 0 \[2\]/);
});

test("tensors that are not bytes are kept as they are: fractions, negatives, over 255, NaN", () => {
  for (const odd of [0.5, -1, 256, Number.NaN]) {
    const store = new CompactStore<Tensor[]>();
    const t = tensor(Float32Array.of(0, 1, odd), [3]);
    store.add([t]);
    assert.equal(store.bytes, 12, `${odd}`);
    assert.equal(store.get(0)[0], t);
  }
});

test("the element that passes the budget empties the store, and reading it then is an error", () => {
  const store = new CompactStore<Tensor>(100);
  assert.ok(store.add(tensor(new Float32Array(60), [60])));
  assert.equal(store.add(tensor(new Float32Array(60), [60])), false);
  assert.ok(store.overBudget);
  assert.equal(store.length, 0);
  assert.equal(store.add(tensor(new Float32Array(1), [1])), false);
  assert.throws(() => store.get(0), /passed its budget/);
  assert.ok(defaultStoreBudget() > 0 && defaultStoreBudget() <= STORE_BUDGET_CAP);
});

test("stores sharing a MemoryBudget stay within it together; one that passes it gives its bytes back", () => {
  const budget = new MemoryBudget(100);
  const halves = (n: number) => tensor(new Float32Array(n).fill(0.5), [n]); // not bytes: 4 each
  const [a, b] = [new CompactStore<Tensor>(budget), new CompactStore<Tensor>(budget)];
  assert.ok(a.add(halves(15)));
  assert.ok(b.add(halves(10)));
  assert.equal(budget.used, 100);
  assert.equal(b.add(halves(1)), false);
  assert.equal(budget.used, 60, "b's 40 bytes are free again");
  assert.ok(a.add(halves(10)));
});

test("typed arrays in an element count against the budget; clear() gives a store's bytes back", () => {
  const budget = new MemoryBudget(100);
  const store = new CompactStore<{ x: Float32Array }>(budget);
  assert.ok(store.add({ x: new Float32Array(20) }));
  assert.equal(budget.used, 80);
  assert.equal(store.add({ x: new Float32Array(10) }), false);
  assert.equal(budget.used, 0);
  const other = new CompactStore<{ x: Float32Array }>(budget);
  other.add({ x: new Float32Array(5) });
  other.clear();
  assert.equal(budget.used, 0);
});
