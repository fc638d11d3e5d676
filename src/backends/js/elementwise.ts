/** Elementwise kernels of the TypeScript backend: unary math, activations, broadcasting binary ops. */
import { type BinaryOp, type F32, type FusedActivation, isComparison, type UnaryOp } from "../kernels.js";
import { allocate, dtypeOf, type DType, type TypedArray, castArray } from "../../tensor/dtype.js";
import { type Shape, sizeOf } from "../../tensor/shape.js";

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;
const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), enough for float32. */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function unaryFn(op: UnaryOp, alpha: number): (x: number) => number {
  switch (op) {
    case "neg": return (x) => -x;
    case "abs": return Math.abs;
    case "sign": return (x) => (x > 0 ? 1 : x < 0 ? -1 : 0);
    case "square": return (x) => x * x;
    case "sqrt": return Math.sqrt;
    case "rsqrt": return (x) => 1 / Math.sqrt(x);
    case "exp": return Math.exp;
    case "log": return Math.log;
    case "log1p": return Math.log1p;
    case "reciprocal": return (x) => 1 / x;
    case "relu": return (x) => (x > 0 ? x : 0);
    case "leakyRelu": return (x) => (x > 0 ? x : alpha * x);
    case "elu": return (x) => (x > 0 ? x : alpha * Math.expm1(x));
    case "selu": return (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case "gelu": return (x) => 0.5 * x * (1 + erf(x * INV_SQRT2));
    case "sigmoid": return sigmoid;
    case "tanh": return Math.tanh;
    case "softplus": return (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    case "erf": return erf;
  }
}

/** d op(x) / dx as a function of x and y = op(x). */
function derivativeFn(op: UnaryOp, alpha: number): (x: number, y: number) => number {
  switch (op) {
    case "neg": return () => -1;
    case "abs": return (x) => (x > 0 ? 1 : x < 0 ? -1 : 0);
    case "sign": return () => 0;
    case "square": return (x) => 2 * x;
    case "sqrt": return (_x, y) => 0.5 / y;
    case "rsqrt": return (x, y) => -0.5 * y / x;
    case "exp": return (_x, y) => y;
    case "log": return (x) => 1 / x;
    case "log1p": return (x) => 1 / (1 + x);
    case "reciprocal": return (_x, y) => -y * y;
    case "relu": return (x) => (x > 0 ? 1 : 0);
    case "leakyRelu": return (x) => (x > 0 ? 1 : alpha);
    case "elu": return (x, y) => (x > 0 ? 1 : y + alpha);
    case "selu": return (x, y) => (x > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA);
    case "gelu": return (x) => 0.5 * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    case "sigmoid": return (_x, y) => y * (1 - y);
    case "tanh": return (_x, y) => 1 - y * y;
    case "softplus": return (x) => sigmoid(x);
    case "erf": return (x) => 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
  }
}

export function unary(op: UnaryOp, x: F32, alpha: number): F32 {
  const n = x.length;
  const out = new Float32Array(n);
  if (op === "relu") {
    for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? v : 0; }
    return out;
  }
  const f = unaryFn(op, alpha);
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
  const d = derivativeFn(op, alpha);
  for (let i = 0; i < n; i++) out[i] = dy[i] * d(x[i], y[i]);
  return out;
}

export function biasActivation(x: F32, bias: F32 | null, act: FusedActivation): F32 {
  const n = x.length;
  const out = new Float32Array(n);
  const c = bias ? bias.length : 1;
  for (let i = 0; i < n; i += c) {
    for (let j = 0; j < c; j++) {
      const z = bias ? x[i + j] + bias[j] : x[i + j];
      out[i + j] = act === "relu" ? (z > 0 ? z : 0) : act === "sigmoid" ? sigmoid(z) : act === "tanh" ? Math.tanh(z) : z;
    }
  }
  return out;
}

export function biasActivationGrad(dy: F32, y: F32, act: FusedActivation, channels: number): { dz: F32; db: F32 | null } {
  const n = dy.length;
  const dz = new Float32Array(n);
  switch (act) {
    case "linear": dz.set(dy); break;
    case "relu": for (let i = 0; i < n; i++) dz[i] = y[i] > 0 ? dy[i] : 0; break;
    case "sigmoid": for (let i = 0; i < n; i++) dz[i] = dy[i] * y[i] * (1 - y[i]); break;
    case "tanh": for (let i = 0; i < n; i++) dz[i] = dy[i] * (1 - y[i] * y[i]); break;
  }
  if (channels === 0) return { dz, db: null };
  const acc = new Float64Array(channels);
  for (let i = 0; i < n; i += channels) for (let c = 0; c < channels; c++) acc[c] += dz[i + c];
  return { dz, db: Float32Array.from(acc) };
}

function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case "add": return (a, b) => a + b;
    case "sub": return (a, b) => a - b;
    case "mul": return (a, b) => a * b;
    case "div": return (a, b) => a / b;
    case "pow": return Math.pow;
    case "maximum": return (a, b) => (a >= b || Number.isNaN(a) ? a : b);
    case "minimum": return (a, b) => (a <= b || Number.isNaN(a) ? a : b);
    case "equal": return (a, b) => (a === b ? 1 : 0);
    case "notEqual": return (a, b) => (a !== b ? 1 : 0);
    case "greater": return (a, b) => (a > b ? 1 : 0);
    case "greaterEqual": return (a, b) => (a >= b ? 1 : 0);
    case "less": return (a, b) => (a < b ? 1 : 0);
    case "lessEqual": return (a, b) => (a <= b ? 1 : 0);
  }
}

/**
 * Strides of `shape` seen through broadcasting to `outShape`: 0 along broadcast dimensions,
 * right-aligned, as NumPy does.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = i + rank - shape.length;
    strides[o] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Calls visit(outIndex, aIndex, bIndex) for every output element in row-major order, walking the
 * innermost dimension in a tight loop.
 */
function forEachBroadcast(
  outShape: Shape, aStrides: number[], bStrides: number[],
  inner: (o: number, ai: number, bi: number, n: number, as: number, bs: number) => void,
): void {
  const rank = outShape.length;
  const total = sizeOf(outShape);
  if (total === 0) return;
  if (rank === 0) { inner(0, 0, 0, 1, 0, 0); return; }
  const last = outShape[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let ai = 0, bi = 0;
  for (let o = 0; o < total; o += last) {
    inner(o, ai, bi, last, aStrides[rank - 1], bStrides[rank - 1]);
    // advance the odometer over all but the last dimension
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      ai += aStrides[d];
      bi += bStrides[d];
      if (idx[d] < outShape[d]) break;
      ai -= aStrides[d] * outShape[d];
      bi -= bStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

export function binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
  const outDtype: DType = isComparison(op) ? "bool" : dtypeOf(a);
  const total = sizeOf(outShape);
  const out = allocate(outDtype, total);
  const f = binaryFn(op);
  if (a.length === total && b.length === total) {
    switch (op) {
      case "add": for (let i = 0; i < total; i++) out[i] = a[i] + b[i]; return out;
      case "sub": for (let i = 0; i < total; i++) out[i] = a[i] - b[i]; return out;
      case "mul": for (let i = 0; i < total; i++) out[i] = a[i] * b[i]; return out;
      default: for (let i = 0; i < total; i++) out[i] = f(a[i], b[i]); return out;
    }
  }
  if (b.length === 1) {
    const s = b[0];
    for (let i = 0; i < total; i++) out[i] = f(a[i], s);
    return out;
  }
  if (a.length === 1) {
    const s = a[0];
    for (let i = 0; i < total; i++) out[i] = f(s, b[i]);
    return out;
  }
  forEachBroadcast(outShape, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape), (o, ai, bi, n, as, bs) => {
    for (let j = 0; j < n; j++, ai += as, bi += bs) out[o + j] = f(a[ai], b[bi]);
  });
  return out;
}

export function where(
  cond: Uint8Array, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape,
): TypedArray {
  const total = sizeOf(outShape);
  const out = allocate(dtypeOf(a), total);
  const cs = broadcastStrides(condShape, outShape);
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  const rank = outShape.length;
  const idx = new Array<number>(rank).fill(0);
  let ci = 0, ai = 0, bi = 0;
  for (let o = 0; o < total; o++) {
    out[o] = cond[ci] ? a[ai] : b[bi];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ci += cs[d]; ai += as[d]; bi += bs[d];
      if (idx[d] < outShape[d]) break;
      ci -= cs[d] * outShape[d]; ai -= as[d] * outShape[d]; bi -= bs[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

export function cast(x: TypedArray, dtype: DType): TypedArray {
  return castArray(x, dtype);
}
