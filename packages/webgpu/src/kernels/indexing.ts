/**
 * Reductions, scans and counts on the GPU: reduce (reduce.ts) and argReduce fold the middle axis
 * of [outer, n, inner] in passes of chunks, every invocation one chunk in order; cumsum runs one
 * invocation per (outer, inner) line; bincount and bincountWeights are in bincount.ts.
 */
import type { F32, Kernels } from "@kerno/core/backends/kernels.js";
import { type Gpu, u32 } from "../gpu.js";
import { flatKernel, grid, IS_NAN } from "../wgsl.js";
import { bincountKernels } from "./bincount.js";
import type { KernelGroup } from "./index.js";
import { CHUNK_COUNT, CHUNK_RANGE, inPasses, reduceKernel } from "./reduce.js";

/**
 * A pass of argReduce: the first non-NaN best of each chunk (strictly better, so ties keep the
 * first), index -1 when the chunk has none. The first pass reads x (index k), later ones the
 * previous pass's values and indices; the last writes indices only, 0 where the reference's
 * start x[o, 0, j] is NaN (nothing beats it) or n is 0.
 */
function argShader(op: "argmax" | "argmin", first: boolean, last: boolean): string {
  const inputs = first ? ["xs: array<f32>"] : ["vals: array<f32>", "idxs: array<i32>", ...(last ? ["xs: array<f32>"] : [])];
  const outputs = last ? ["outIdx: array<i32>"] : ["outVal: array<f32>", "outIdx: array<i32>"];
  return flatKernel({
    params: "outer: u32, n: u32, inner: u32, chunk: u32, m: u32, full: u32",
    reads: inputs,
    writes: outputs,
    helpers: IS_NAN,
    count: CHUNK_COUNT,
    body: /* wgsl */ `${CHUNK_RANGE}
  var best = 0.0;
  var bi = -1;
  for (var k = start; k < end; k++) {
    let at = (o * p.n + k) * p.inner + j;
    ${first ? "let v = xs[at];\n    let vi = i32(k);" : "let v = vals[at];\n    let vi = idxs[at];"}
    if (vi >= 0 && !isNan(v) && (bi < 0 || v ${op === "argmax" ? ">" : "<"} best)) { best = v; bi = vi; }
  }
${last ? "  if (p.full == 0u || bi < 0 || isNan(xs[o * p.full * p.inner + j])) { bi = 0; }" : "  outVal[i] = best;"}
  outIdx[i] = bi;`,
  });
}

/**
 * cumsum: one invocation per (outer, inner) line, in order (from its end when reversed), in
 * float32 as it goes: the reference's sums exactly. (A chunked scan would spread one long line
 * over many invocations, but its sums round differently: past 1e-5 of the reference's on lines of
 * thousands.)
 */
const CUMSUM_WGSL = flatKernel({
  params: "outer: u32, n: u32, inner: u32, reverse: u32",
  reads: ["xs: array<f32>"],
  writes: ["ys: array<f32>"],
  count: "p.outer * p.inner",
  body: /* wgsl */ `  let j = i % p.inner;
  let base = (i / p.inner) * p.n * p.inner + j;
  var acc = 0.0;
  for (var step = 0u; step < p.n; step++) {
    let at = base + select(step, p.n - 1u - step, p.reverse != 0u) * p.inner;
    acc = select(acc + xs[at], xs[at], step == 0u);
    ys[at] = acc;
  }`,
});

export const indexingKernels: KernelGroup = (gpu: Gpu): Pick<Kernels, "reduce" | "argReduce" | "cumsum" | "bincount" | "bincountWeights"> => ({
  ...reduceKernel(gpu),
  argReduce(op, x, outer, n, inner) {
    const result = inPasses<{ vals: F32 | null; idxs: Int32Array | null }>(n, { vals: null, idxs: null }, ({ vals, idxs }, len, chunk, m, last) => {
      const first = vals === null;
      const out = gpu.run({
        label: op,
        code: argShader(op, first, last),
        inputs: first ? [x] : [vals, idxs!, ...(last ? [x] : [])],
        outputs: [...(last ? [] : [{ dtype: "float32" as const, length: outer * m * inner }]), { dtype: "int32", length: outer * m * inner }],
        params: [u32(outer), u32(len), u32(inner), u32(chunk), u32(m), u32(n)],
        workgroups: grid(outer * m * inner),
      });
      return last ? { vals: null, idxs: out[0] as Int32Array } : { vals: out[0] as F32, idxs: out[1] as Int32Array };
    });
    return result.idxs!;
  },
  cumsum(x, outer, n, inner, reverse) {
    return gpu.run({
      label: "cumsum",
      code: CUMSUM_WGSL,
      inputs: [x],
      outputs: [{ dtype: "float32", length: x.length }],
      params: [u32(outer), u32(n), u32(inner), u32(reverse ? 1 : 0)],
      workgroups: grid(outer * inner),
    })[0] as F32;
  },
  ...bincountKernels(gpu),
});
