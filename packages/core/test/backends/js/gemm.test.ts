import { test } from "node:test";
import { gemm, view } from "../../../src/backends/js/gemm.js";
import { assertClose, rand } from "../../helpers/gradcheck.js";

test("blocked gemm matches a naive product for odd sizes, transposes and accumulation", () => {
  for (const [m, n, k] of [
    [1, 1, 1],
    [5, 7, 3],
    [13, 9, 300],
    [4, 4, 4],
  ]) {
    for (const ta of [false, true])
      for (const tb of [false, true]) {
        const a = rand([m * k], m + n),
          b = rand([k * n], k + 1);
        const c = new Float32Array(m * n).fill(1);
        gemm(m, n, k, view(a.floats(), 0, m, k, ta), view(b.floats(), 0, k, n, tb), c, 0, n, true);
        const want = new Float64Array(m * n).fill(1);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++)
            for (let p = 0; p < k; p++) {
              const av = ta ? a.values[p * m + i] : a.values[i * k + p];
              const bv = tb ? b.values[j * k + p] : b.values[p * n + j];
              want[i * n + j] += av * bv;
            }
        assertClose(c, want, 1e-4, 1e-4, `gemm ${m}x${n}x${k} ta=${ta} tb=${tb}`);
      }
  }
});
