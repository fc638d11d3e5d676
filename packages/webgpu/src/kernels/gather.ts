/**
 * gather and scatterAdd on the GPU: rows picked along an axis by an index input, and their
 * gradient summed back in the order of the indices (the reference's, so the same bits).
 */
import type { F32, Kernels } from "@kerno/core/backends/kernels.js";
import { dtypeOf } from "@kerno/core/tensor/dtype.js";
import { sizeOf } from "@kerno/core/tensor/shape.js";
import { type Gpu, u32 } from "../gpu.js";
import { flatKernel, grid } from "../wgsl.js";

/** out[o, i, j] = x[o, indices[i], j] (0 for an index outside [0, n)). */
const GATHER_WGSL = flatKernel({
  params: "total: u32, m: u32, n: u32, inner: u32",
  reads: ["xs: array<u32>", "indices: array<i32>"],
  writes: ["ys: array<u32>"],
  count: "p.total",
  body: /* wgsl */ `  let j = i % p.inner;
  let row = i / p.inner;
  let o = row / p.m;
  let k = indices[row % p.m];
  if (k < 0 || u32(k) >= p.n) { ys[i] = 0u; return; }
  ys[i] = xs[(o * p.n + u32(k)) * p.inner + j];`,
});

/**
 * The order in which scatterAdd visits dy's rows, as linked lists: head[k] is the first i with
 * indices[i] = k (-1 when none), next[i] the following one (-1 at the end). One invocation per k
 * walks the indices in order (all of them read the same index at once).
 */
const SCATTER_LISTS_WGSL = flatKernel({
  params: "n: u32, m: u32",
  reads: ["indices: array<i32>"],
  writes: ["head: array<i32>", "next: array<i32>"],
  index: "k",
  body: /* wgsl */ `  var last = -1;
  for (var t = 0u; t < p.m; t++) {
    if (indices[t] == i32(k)) {
      if (last < 0) { head[k] = i32(t); } else { next[last] = i32(t); }
      last = i32(t);
    }
  }
  if (last < 0) { head[k] = -1; } else { next[last] = -1; }`,
});

/**
 * out[o, k, j] = the sum of dy[o, i, j] over the i with indices[i] = k, in the order of i (the
 * reference's order, so the sums are the same bits), along the lists of SCATTER_LISTS_WGSL.
 */
const SCATTER_ADD_WGSL = flatKernel({
  params: "total: u32, m: u32, n: u32, inner: u32",
  reads: ["dy: array<f32>", "head: array<i32>", "next: array<i32>"],
  writes: ["ys: array<f32>"],
  count: "p.total",
  body: /* wgsl */ `  let j = i % p.inner;
  let row = i / p.inner;
  let base = (row / p.n) * p.m * p.inner + j;
  var acc = 0.0;
  for (var t = head[row % p.n]; t >= 0; t = next[t]) {
    acc += dy[base + u32(t) * p.inner];
  }
  ys[i] = acc;`,
});

export function gatherKernels(gpu: Gpu): Pick<Kernels, "gather" | "scatterAdd"> {
  return {
    gather(x, shape, indices, axis) {
      const outer = sizeOf(shape.slice(0, axis));
      const n = shape[axis];
      const inner = sizeOf(shape.slice(axis + 1));
      const m = indices.length;
      // indices the CPU holds are checked as the reference does; indices on the GPU read 0 out of range
      if (!gpu.isStale(indices))
        for (const k of indices) if (!(k >= 0 && k < n)) throw new RangeError(`gather: index ${k} is out of range [0, ${n}) along axis ${axis}`);
      const total = outer * m * inner;
      return gpu.run({
        label: "gather",
        code: GATHER_WGSL,
        inputs: [x, indices],
        outputs: [{ dtype: dtypeOf(x), length: total }],
        params: [u32(total), u32(m), u32(n), u32(inner)],
        workgroups: grid(total),
      })[0];
    },
    scatterAdd(dy, indices, shape, axis) {
      const n = shape[axis];
      const m = indices.length;
      const inner = sizeOf(shape.slice(axis + 1));
      const total = sizeOf(shape);
      const [head, next] = gpu.run({
        label: "scatterAdd lists",
        code: SCATTER_LISTS_WGSL,
        inputs: [indices],
        outputs: [
          { dtype: "int32", length: n },
          { dtype: "int32", length: m },
        ],
        params: [u32(n), u32(m)],
        workgroups: grid(total === 0 ? 0 : n),
      });
      return gpu.run({
        label: "scatterAdd",
        code: SCATTER_ADD_WGSL,
        inputs: [dy, head, next],
        outputs: [{ dtype: "float32", length: total }],
        params: [u32(total), u32(m), u32(n), u32(inner)],
        workgroups: grid(total),
      })[0] as F32;
    },
  };
}
