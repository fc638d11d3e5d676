/**
 * The fused bias + activation on the GPU (part of the elementwise group): y = act(x * scale +
 * bias) over rows of channels, and its backward pass, dz = dy * act'(y) and the bias gradient db
 * (dz summed over rows) by column sums of ROWS_PER_CHUNK rows a pass until one row is left.
 */
import type { F32, FusedActivation, Kernels } from "@kerno/core/backends/kernels.js";
import { type Gpu, u32 } from "../gpu.js";
import { flatKernel, grid } from "../wgsl.js";
import { act, dact, FUSED_ACTIVATION_WGSL } from "./unary.js";

/** Rows each invocation of a column-sum pass adds up. */
const ROWS_PER_CHUNK = 64;

function biasActivationShader(activation: FusedActivation, hasBias: boolean, hasScale: boolean): string {
  const reads = ["xs", ...(hasBias ? ["bias"] : []), ...(hasScale ? ["scale"] : [])];
  let z = "xs[i]";
  if (hasScale) z = `${z} * scale[j]`;
  if (hasBias) z = `${z} + bias[j]`;
  return flatKernel({
    params: "n: u32, c: u32",
    reads: reads.map((name) => `${name}: array<f32>`),
    writes: ["ys: array<f32>"],
    helpers: FUSED_ACTIVATION_WGSL,
    body: `  let j = i % p.c;
  let z = ${z};
  ys[i] = ${act(activation, "z")};`,
  });
}

// relu passes dy where y > 0 and 0 elsewhere (even a NaN dy), as the reference
const activationGradShader = (activation: FusedActivation) =>
  flatKernel({
    params: "n: u32",
    reads: activation === "linear" ? ["dys: array<f32>"] : ["dys: array<f32>", "ys: array<f32>"],
    writes: ["dzs: array<f32>"],
    helpers: FUSED_ACTIVATION_WGSL,
    body:
      activation === "linear"
        ? "  dzs[i] = dys[i];"
        : activation === "relu"
          ? "  dzs[i] = select(0.0, dys[i], ys[i] > 0.0);"
          : `  dzs[i] = dys[i] * ${dact(activation, "ys[i]")};`,
  });

/** Sums of [rows, channels] over chunks of ROWS_PER_CHUNK rows: [ceil(rows / chunk) or 1, channels]. */
const COLUMN_SUM_WGSL = flatKernel({
  params: "rows: u32, channels: u32, n: u32",
  reads: ["xs: array<f32>"],
  writes: ["sums: array<f32>"],
  body: /* wgsl */ `  let c = i % p.channels;
  let first = (i / p.channels) * ${ROWS_PER_CHUNK}u;
  let last = min(p.rows, first + ${ROWS_PER_CHUNK}u);
  // compensated (Kahan) sums: the reference adds in float64
  var s = 0.0;
  var lost = 0.0;
  for (var r = first; r < last; r++) {
    let v = xs[r * p.channels + c] - lost;
    let t = s + v;
    lost = (t - s) - v;
    s = t;
  }
  sums[i] = s;`,
});

export function biasActivationKernels(gpu: Gpu): Pick<Kernels, "biasActivation" | "biasActivationGrad"> {
  return {
    biasActivation(x: F32, bias: F32 | null, act: FusedActivation, scale: F32 | null = null): F32 {
      const n = x.length;
      const c = bias?.length ?? scale?.length ?? 1;
      return gpu.run({
        label: `biasActivation ${act}`,
        code: biasActivationShader(act, bias !== null, scale !== null),
        inputs: [x, ...(bias ? [bias] : []), ...(scale ? [scale] : [])],
        outputs: [{ dtype: "float32", length: n }],
        params: [u32(n), u32(Math.max(c, 1))],
        workgroups: grid(n),
      })[0] as F32;
    },
    biasActivationGrad(dy: F32, y: F32, act: FusedActivation, channels: number): { dz: F32; db: F32 | null } {
      const n = dy.length;
      const [dz] = gpu.run({
        label: `biasActivationGrad ${act}`,
        code: activationGradShader(act),
        inputs: act === "linear" ? [dy] : [dy, y],
        outputs: [{ dtype: "float32", length: n }],
        params: [u32(n)],
        workgroups: grid(n),
      }) as F32[];
      if (channels === 0) return { dz, db: null };
      let sums = dz;
      let rows = Math.floor(n / channels);
      do {
        const chunks = Math.max(1, Math.ceil(rows / ROWS_PER_CHUNK));
        [sums] = gpu.run({
          label: "biasActivationGrad db",
          code: COLUMN_SUM_WGSL,
          inputs: [sums],
          outputs: [{ dtype: "float32", length: chunks * channels }],
          params: [u32(rows), u32(channels), u32(chunks * channels)],
          workgroups: grid(chunks * channels),
        }) as F32[];
        rows = chunks;
      } while (rows > 1);
      return { dz, db: sums };
    },
  };
}
