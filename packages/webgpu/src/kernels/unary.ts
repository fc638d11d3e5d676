/** Elementwise functions of one float input on the GPU (the kernel table's `unary`). */
import type { F32, FusedActivation, Kernels, UnaryOp } from "@kerno/core/backends/kernels.js";
import { f32, type Gpu, u32 } from "../gpu.js";
import { flatKernel, grid } from "../wgsl.js";

/** Each op as a WGSL expression of `x` (and `alpha`), matching the TypeScript reference. */
const UNARY_WGSL: Record<UnaryOp, string> = {
  neg: "-x",
  abs: "abs(x)",
  sign: "sign(x)",
  square: "x * x",
  sqrt: "sqrt(x)",
  rsqrt: "1.0 / sqrt(x)",
  exp: "exp(x)",
  log: "log(x)",
  log1p: "log1p(x)",
  reciprocal: "1.0 / x",
  relu: "select(0.0, x, x > 0.0)",
  leakyRelu: "select(p.alpha * x, x, x > 0.0)",
  elu: "select(p.alpha * expm1(x), x, x > 0.0)",
  selu: "1.0507009873554805 * select(1.6732632423543772 * expm1(x), x, x > 0.0)",
  gelu: "0.5 * x * (1.0 + erf(x * 0.7071067811865476))",
  sigmoid: "sigmoid(x)",
  tanh: "tanh(x)",
  softplus: "max(x, 0.0) + log1p(exp(-abs(x)))",
  erf: "erf(x)",
};

/**
 * Each op's derivative d op(x) / dx as a WGSL expression of `x`, `y = op(x)` (and `alpha`),
 * matching the TypeScript reference; relu masks dy itself (unaryGradShader).
 */
const UNARY_GRAD_WGSL: Record<UnaryOp, string> = {
  neg: "-1.0",
  abs: "signOf(x)",
  sign: "0.0",
  square: "2.0 * x",
  sqrt: "0.5 / y",
  rsqrt: "(-0.5 * y) / x",
  exp: "y",
  log: "1.0 / x",
  log1p: "1.0 / (1.0 + x)",
  reciprocal: "-y * y",
  relu: "select(0.0, 1.0, x > 0.0)",
  leakyRelu: "select(p.alpha, 1.0, x > 0.0)",
  elu: "select(y + p.alpha, 1.0, x > 0.0)",
  selu: "select(y + 1.0507009873554805 * 1.6732632423543772, 1.0507009873554805, x > 0.0)",
  gelu: "0.5 * (1.0 + erf(x * 0.7071067811865476)) + x * 0.3989422804014327 * exp(-0.5 * x * x)",
  sigmoid: "y * (1.0 - y)",
  tanh: "1.0 - y * y",
  softplus: "sigmoid(x)",
  erf: "1.1283791670955126 * exp(-x * x)",
};

/** Functions WGSL lacks, written as the TypeScript reference computes them. */
export const MATH_WGSL = /* wgsl */ `
fn log1p(x: f32) -> f32 {
  let u = 1.0 + x;
  // log(u) * x / (u - 1) corrects the rounding of 1 + x (Goldberg's trick)
  return select(log(u) * x / (u - 1.0), x, u == 1.0);
}
fn expm1(x: f32) -> f32 {
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  return um1 * x / log(u);
}
fn sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn erf(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let q = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(q);
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}
fn signOf(x: f32) -> f32 {
  return select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0);
}
`;

/**
 * The fused activations as WGSL functions `act_<name>` of the input and `dact_<name>` of the
 * output, as js/unary.ts (relu gives 0 for NaN). They come with MATH_WGSL: a shader includes one
 * or the other, never both.
 */
export const FUSED_ACTIVATION_WGSL = /* wgsl */ `
${MATH_WGSL}
fn act_linear(z: f32) -> f32 { return z; }
fn act_relu(z: f32) -> f32 { return select(0.0, z, z > 0.0); }
fn act_sigmoid(z: f32) -> f32 { return sigmoid(z); }
// tanh(±15) is ±1 in f32; the clamp keeps exp-based tanh from overflowing (and NaN stays NaN)
fn act_tanh(z: f32) -> f32 { return select(tanh(clamp(z, -15.0, 15.0)), z, (bitcast<u32>(z) & 0x7fffffffu) > 0x7f800000u); }
fn dact_linear(y: f32) -> f32 { return 1.0; }
fn dact_relu(y: f32) -> f32 { return select(0.0, 1.0, y > 0.0); }
fn dact_sigmoid(y: f32) -> f32 { return y * (1.0 - y); }
fn dact_tanh(y: f32) -> f32 { return 1.0 - y * y; }
`;
/** WGSL calling activation `a` on `z`, and its derivative from the output `y` (FUSED_ACTIVATION_WGSL). */
export const act = (a: FusedActivation, z: string): string => `act_${a}(${z})`;
export const dact = (a: FusedActivation, y: string): string => `dact_${a}(${y})`;

const unaryShader = (op: UnaryOp) =>
  flatKernel({
    params: "n: u32, alpha: f32",
    reads: ["xs: array<f32>"],
    writes: ["ys: array<f32>"],
    helpers: MATH_WGSL,
    body: `  let x = xs[i];
  ys[i] = ${UNARY_WGSL[op]};`,
  });

// relu passes dy where x > 0 and 0 elsewhere (even a NaN dy), as the reference
const unaryGradShader = (op: UnaryOp) =>
  flatKernel({
    params: "n: u32, alpha: f32",
    reads: ["dys: array<f32>", "xs: array<f32>", "ys: array<f32>"],
    writes: ["dxs: array<f32>"],
    helpers: MATH_WGSL,
    body: `  let x = xs[i];
  let y = ys[i];
  _ = y;
  ${op === "relu" ? "dxs[i] = select(0.0, dys[i], x > 0.0);" : `dxs[i] = dys[i] * (${UNARY_GRAD_WGSL[op]});`}`,
  });

export function unaryKernels(gpu: Gpu): Pick<Kernels, "unary" | "unaryGrad"> {
  return {
    unary(op: UnaryOp, x: F32, alpha: number): F32 {
      const n = x.length;
      return gpu.run({
        label: `unary ${op}`,
        code: unaryShader(op),
        inputs: [x],
        outputs: [{ dtype: "float32", length: n }],
        params: [u32(n), f32(alpha)],
        workgroups: grid(n),
      })[0] as F32;
    },
    unaryGrad(op: UnaryOp, dy: F32, x: F32, y: F32, alpha: number): F32 {
      const n = dy.length;
      return gpu.run({
        label: `unaryGrad ${op}`,
        code: unaryGradShader(op),
        inputs: [dy, x, y],
        outputs: [{ dtype: "float32", length: n }],
        params: [u32(n), f32(alpha)],
        workgroups: grid(n),
      })[0] as F32;
    },
  };
}
