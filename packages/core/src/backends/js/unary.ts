/** Unary kernels of the TypeScript backend: math functions, activations and their derivatives, bias + activation. */

import type { F32, FusedActivation, UnaryOp } from "../kernels.js";

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;
const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), enough for float32. */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  // biome-ignore format: the Chebyshev polynomial reads best as written
  const p = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(p);
  return x >= 0 ? 1 - r : r - 1;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

const relu = (x: number) => (x > 0 ? x : 0); // 0 for NaN, as the native kernel
const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** Each unary op and its derivative d op(x) / dx as a function of x and y = op(x). */
const UNARY: Record<UnaryOp, (alpha: number) => { f: (x: number) => number; d: (x: number, y: number) => number }> = {
  neg: () => ({ f: (x) => -x, d: () => -1 }),
  abs: () => ({ f: Math.abs, d: sign }),
  sign: () => ({ f: sign, d: () => 0 }),
  square: () => ({ f: (x) => x * x, d: (x) => 2 * x }),
  sqrt: () => ({ f: Math.sqrt, d: (_x, y) => 0.5 / y }),
  rsqrt: () => ({ f: (x) => 1 / Math.sqrt(x), d: (x, y) => (-0.5 * y) / x }),
  exp: () => ({ f: Math.exp, d: (_x, y) => y }),
  log: () => ({ f: Math.log, d: (x) => 1 / x }),
  log1p: () => ({ f: Math.log1p, d: (x) => 1 / (1 + x) }),
  reciprocal: () => ({ f: (x) => 1 / x, d: (_x, y) => -y * y }),
  relu: () => ({ f: relu, d: (x) => (x > 0 ? 1 : 0) }),
  leakyRelu: (alpha) => ({ f: (x) => (x > 0 ? x : alpha * x), d: (x) => (x > 0 ? 1 : alpha) }),
  elu: (alpha) => ({ f: (x) => (x > 0 ? x : alpha * Math.expm1(x)), d: (x, y) => (x > 0 ? 1 : y + alpha) }),
  selu: () => ({ f: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)), d: (x, y) => (x > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA) }),
  gelu: () => ({
    f: (x) => 0.5 * x * (1 + erf(x * INV_SQRT2)),
    d: (x) => 0.5 * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
  }),
  sigmoid: () => ({ f: sigmoid, d: (_x, y) => y * (1 - y) }),
  tanh: () => ({ f: Math.tanh, d: (_x, y) => 1 - y * y }),
  softplus: () => ({ f: (x) => relu(x) + Math.log1p(Math.exp(-Math.abs(x))), d: sigmoid }),
  erf: () => ({ f: erf, d: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) }),
};

/** The activations fused kernels apply, and their derivatives from the output y = act(z). */
export const fusedActivation: Record<FusedActivation, (z: number) => number> = { linear: (z) => z, relu, sigmoid, tanh: Math.tanh };
export const fusedDerivative: Record<FusedActivation, (y: number) => number> = {
  linear: () => 1,
  relu: (y) => (y > 0 ? 1 : 0),
  sigmoid: (y) => y * (1 - y),
  tanh: (y) => 1 - y * y,
};

export function unary(op: UnaryOp, x: F32, alpha: number): F32 {
  const n = x.length;
  const out = new Float32Array(n);
  if (op === "relu") {
    for (let i = 0; i < n; i++) out[i] = relu(x[i]);
    return out;
  }
  const { f } = UNARY[op](alpha);
  for (let i = 0; i < n; i++) out[i] = f(x[i]);
  return out;
}

export function unaryGrad(op: UnaryOp, dy: F32, x: F32, y: F32, alpha: number): F32 {
  const n = dy.length;
  const out = new Float32Array(n);
  if (op === "relu") {
    for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? dy[i] : 0;
    return out;
  }
  const { d } = UNARY[op](alpha);
  for (let i = 0; i < n; i++) out[i] = dy[i] * d(x[i], y[i]);
  return out;
}

export function biasActivation(x: F32, bias: F32 | null, act: FusedActivation, scale: F32 | null = null): F32 {
  const n = x.length;
  const out = new Float32Array(n);
  const c = bias?.length ?? scale?.length ?? 1;
  const activate = fusedActivation[act];
  for (let i = 0; i < n; i += c) {
    for (let j = 0; j < c; j++) {
      const scaled = scale ? Math.fround(x[i + j] * scale[j]) : x[i + j];
      const z = bias ? scaled + bias[j] : scaled;
      out[i + j] = activate(z);
    }
  }
  return out;
}

export function biasActivationGrad(dy: F32, y: F32, act: FusedActivation, channels: number): { dz: F32; db: F32 | null } {
  const n = dy.length;
  const dz = new Float32Array(n);
  if (act === "linear") dz.set(dy);
  else if (act === "relu") for (let i = 0; i < n; i++) dz[i] = y[i] > 0 ? dy[i] : 0;
  else {
    const d = fusedDerivative[act];
    for (let i = 0; i < n; i++) dz[i] = dy[i] * d(y[i]);
  }
  if (channels === 0) return { dz, db: null };
  const acc = new Float64Array(channels);
  for (let i = 0; i < n; i += channels) for (let c = 0; c < channels; c++) acc[c] += dz[i + c];
  return { dz, db: Float32Array.from(acc) };
}
