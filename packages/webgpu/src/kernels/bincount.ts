/**
 * bincount and bincountWeights on the GPU: the bins are zeroed, then every invocation adds its
 * elements into them with atomics (in workgroup memory first when the bins fit there, then once
 * per workgroup into the output); float weights add by compare-exchange of their bits.
 */
import type { F32, Kernels } from "@kerno/core/backends/kernels.js";
import { type Gpu, u32 } from "../gpu.js";
import { bindings, flatKernel, grid } from "../wgsl.js";

const ZERO_WGSL = flatKernel({ params: "n: u32", reads: [], writes: ["ys: array<u32>"], body: "  ys[i] = 0u;" });

/** Bins counted in workgroup memory before they go to the output (4 KiB). */
const LOCAL_BINS = 1024;
/** Elements each invocation of a bincount takes. */
const PER_INVOCATION = 16;

/** WGSL adding `w` (f32) to the atomic u32 bits at `target` by compare-exchange. */
const addFloat = (target: string, w: string) => `
      loop {
        let old = atomicLoad(&${target});
        if (atomicCompareExchangeWeak(&${target}, old, bitcast<u32>(bitcast<f32>(old) + ${w})).exchanged) { break; }
      }`;

/**
 * Counts (or weight sums) of x's values in [0, length): each workgroup takes 256 * PER_INVOCATION
 * elements, into workgroup bins first when `local`, then into the output's bins.
 */
function bincountShader(weighted: boolean, local: boolean): string {
  const add = (target: string) => (weighted ? addFloat(target, "ws[e]") : `atomicAdd(&${target}, 1u);`);
  return /* wgsl */ `
struct Params { n: u32, length: u32 }
${bindings(["xs: array<i32>", ...(weighted ? ["ws: array<f32>"] : [])], ["bins: array<atomic<u32>>"])}
${local ? `var<workgroup> localBins: array<atomic<u32>, ${LOCAL_BINS}>;` : ""}
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let base = (wid.x + wid.y * groups.x) * ${256 * PER_INVOCATION}u;
  for (var r = 0u; r < ${PER_INVOCATION}u; r++) {
    let e = base + r * 256u + t;
    if (e < p.n) {
      let v = xs[e];
      if (v >= 0 && u32(v) < p.length) {
        ${add(local ? "localBins[v]" : "bins[v]")}
      }
    }
  }
${
  local
    ? `  workgroupBarrier();
  for (var b = t; b < p.length; b += 256u) {
    let sum = atomicLoad(&localBins[b]);
    if (sum != 0u) {
      ${weighted ? addFloat("bins[b]", "bitcast<f32>(sum)") : "atomicAdd(&bins[b], sum);"}
    }
  }`
    : ""
}
}
`;
}

export function bincountKernels(gpu: Gpu): Pick<Kernels, "bincount" | "bincountWeights"> {
  const zeros = (dtype: "int32" | "float32", length: number) =>
    gpu.run({ label: "zeros", code: ZERO_WGSL, outputs: [{ dtype, length }], params: [u32(length)], workgroups: grid(length) })[0];
  const count = <T extends Int32Array | Float32Array>(x: Int32Array, weights: F32 | null, length: number): T => {
    const bins = zeros(weights ? "float32" : "int32", length) as T;
    const local = length <= LOCAL_BINS;
    gpu.run({
      label: weights ? "bincountWeights" : "bincount",
      code: bincountShader(weights !== null, local),
      inputs: weights ? [x, weights] : [x],
      inouts: [bins],
      params: [u32(x.length), u32(length)],
      workgroups: length === 0 ? [0] : grid(x.length, 256 * PER_INVOCATION),
    });
    return bins;
  };

  return {
    bincount: (x, length) => count<Int32Array>(x, null, length),
    bincountWeights: (x, weights, length) => count<F32>(x, weights, length),
  };
}
