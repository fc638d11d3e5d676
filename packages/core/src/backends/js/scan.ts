import type { F32 } from "../kernels.js";

/** Running sums along the middle axis of [outer, n, inner], in float32 as they go (as the native kernel). */
export function cumsum(x: F32, outer: number, n: number, inner: number, reverse: boolean): F32 {
  const y = new Float32Array(x.length);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let step = 0; step < n; step++) {
      const i = reverse ? n - 1 - step : step;
      const row = base + i * inner;
      const previous = row + (reverse ? inner : -inner);
      for (let j = 0; j < inner; j++) y[row + j] = step === 0 ? x[row + j] : y[previous + j] + x[row + j];
    }
  }
  return y;
}

/** How often each value in [0, length) occurs in x; other values are not counted. */
export function bincount(x: Int32Array, length: number): Int32Array {
  const counts = new Int32Array(length);
  for (const v of x) if (v >= 0 && v < length) counts[v]++;
  return counts;
}

/** The sum of the weights of each value in [0, length) of x, in float32 as it goes (as the native kernel). */
export function bincountWeights(x: Int32Array, weights: F32, length: number): F32 {
  const sums = new Float32Array(length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v >= 0 && v < length) sums[v] += weights[i];
  }
  return sums;
}
