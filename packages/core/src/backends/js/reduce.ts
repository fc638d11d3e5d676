/** Reductions over the middle axis of an [outer, n, inner] view. */
import type { F32, ReduceOp } from "../kernels.js";

export function reduce(op: ReduceOp, x: F32, outer: number, n: number, inner: number): F32 {
  const out = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const dst = o * inner;
    if (inner === 1) {
      // contiguous run: accumulate in a double for accuracy over long axes
      let acc = op === "sum" ? 0 : x[base];
      if (op === "sum") for (let i = 0; i < n; i++) acc += x[base + i];
      else if (op === "max")
        for (let i = 1; i < n; i++) {
          const v = x[base + i];
          if (v > acc || Number.isNaN(v)) acc = v;
        }
      else
        for (let i = 1; i < n; i++) {
          const v = x[base + i];
          if (v < acc || Number.isNaN(v)) acc = v;
        }
      out[dst] = n === 0 ? (op === "sum" ? 0 : op === "max" ? -Infinity : Infinity) : acc;
      continue;
    }
    const acc = new Float64Array(inner);
    if (op === "sum") acc.fill(0);
    else if (n === 0) acc.fill(op === "max" ? -Infinity : Infinity);
    else for (let j = 0; j < inner; j++) acc[j] = x[base + j];
    for (let i = op === "sum" ? 0 : 1; i < n; i++) {
      const row = base + i * inner;
      if (op === "sum") for (let j = 0; j < inner; j++) acc[j] += x[row + j];
      else if (op === "max")
        for (let j = 0; j < inner; j++) {
          const v = x[row + j];
          if (v > acc[j] || Number.isNaN(v)) acc[j] = v;
        }
      else
        for (let j = 0; j < inner; j++) {
          const v = x[row + j];
          if (v < acc[j] || Number.isNaN(v)) acc[j] = v;
        }
    }
    out.set(acc, dst);
  }
  return out;
}

export function argReduce(op: "argmax" | "argmin", x: F32, outer: number, n: number, inner: number): Int32Array {
  const out = new Int32Array(outer * inner);
  const better = op === "argmax" ? (v: number, best: number) => v > best : (v: number, best: number) => v < best;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let best = x[base];
      let bestI = 0;
      for (let i = 1; i < n; i++) {
        const v = x[base + i * inner];
        if (better(v, best)) {
          best = v;
          bestI = i;
        }
      }
      out[o * inner + j] = bestI;
    }
  }
  return out;
}
