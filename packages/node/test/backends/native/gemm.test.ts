/**
 * Products big enough for the addon's threaded drivers (B packed once and shared by the threads,
 * several passes over k, partial tiles at every edge) against a float64 reference.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { nativeKernels } from "../../helpers/native-kernels.js";

const { native, skip } = nativeKernels();

function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

test("large products: every size class, transposes, against float64", { skip }, () => {
  // [m, n, k]: rows for many blocks per thread, k over one and two cache blocks, ragged edges;
  // one column or one row (matrix-vector products: a one-unit dense layer, its gradients), with
  // k long enough to split between threads and a tail shorter than a vector
  for (const [m, n, k] of [
    [517, 70, 300],
    [1000, 33, 1100],
    [64, 700, 520],
    [391, 129, 17],
    [32, 1, 20011],
    [3001, 1, 32],
    [1, 2500, 77],
    [1, 9, 3],
    [517, 10, 300],
    [40, 3, 1300],
  ]) {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = values(m * k, m + k),
        b = values(k * n, n + 7);
      const got = native!.matMul(a, transA ? [k, m] : [m, k], b, transB ? [n, k] : [k, n], transA, transB, [m, n]);
      let worst = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let want = 0;
          for (let p = 0; p < k; p++) want += a[transA ? p * m + i : i * k + p] * b[transB ? j * k + p : p * n + j];
          worst = Math.max(worst, Math.abs(got[i * n + j] - want));
        }
      assert.ok(worst < 1e-4 * Math.sqrt(k), `[${m}x${k}] x [${k}x${n}] (transA ${transA}, transB ${transB}): max error ${worst}`);
    }
  }
});

test("a row's product is the same bit for bit whether it runs alone (matrix-vector), narrow or among many (blocked)", { skip }, () => {
  // k over several depth panels on every instruction set; n = 1 against n = 3 and m = 1 against m = 7
  const m = 7,
    n = 3,
    k = 1300;
  const a = values(m * k, 5),
    b = values(k * n, 6);
  const all = native!.matMul(a, [m, k], b, [k, n], false, false, [m, n]);
  for (let i = 0; i < m; i++) {
    const row = native!.matMul(a.subarray(i * k, (i + 1) * k), [1, k], b, [k, n], false, false, [1, n]);
    assert.deepEqual(Array.from(row), Array.from(all.subarray(i * n, (i + 1) * n)), `row ${i} alone`);
  }
  // the same three columns among forty (blocked) as alone (a narrow product: n within one vector)
  const wide = 40;
  const b40 = Float32Array.from({ length: k * wide }, (_, idx) => (idx % wide < n ? b[Math.floor(idx / wide) * n + (idx % wide)] : Math.sin(idx)));
  const blocked = native!.matMul(a, [m, k], b40, [k, wide], false, false, [m, wide]);
  for (let i = 0; i < m; i++)
    assert.deepEqual(Array.from(blocked.subarray(i * wide, i * wide + n)), Array.from(all.subarray(i * n, (i + 1) * n)), `row ${i} among ${wide} columns`);
  const column = b.filter((_, idx) => idx % n === 0);
  const one = native!.matMul(a, [m, k], column, [k, 1], false, false, [m, 1]);
  assert.deepEqual(
    Array.from(one),
    Array.from({ length: m }, (_, i) => all[i * n]),
    "one column",
  );
});
