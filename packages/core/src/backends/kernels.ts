/**
 * The kernel interface: the primitives every op's forward and backward pass goes through.
 * Plain data in, plain data out (typed arrays, shapes and numbers, never Tensor objects), so
 * that the TypeScript reference and the native addon are interchangeable and testable against
 * each other. Kernels never mutate their inputs, except the optimizer updates, which exist to
 * update parameters in place. Here: the types the kernels take (op tables, geometries, specs);
 * the `Kernels` interface is generated from the kernel table into kernels.gen.ts.
 */

export type F32 = Float32Array;

/**
 * How products (matMul, conv2d and its gradients) treat their operands: float32, or bfloat16
 * (mixed precision: operands rounded to bfloat16, products summed in float32).
 */
export type Precision = "float32" | "bfloat16";
export const PRECISIONS: readonly Precision[] = ["float32", "bfloat16"];

/*
 * The op tables. Each list is the single source of the op names: the TypeScript types derive
 * from it, and an op's native code is its position in the list (`native/opcodes.h` is generated
 * from these arrays by `npm run gen:opcodes`, and a test fails when the header is stale).
 * Append new ops at the end of a list so that codes stay stable.
 */

/** Elementwise functions of one float input. `alpha` parameterizes leakyRelu and elu. */
export const UNARY_OPS = [
  "neg",
  "abs",
  "sign",
  "square",
  "sqrt",
  "rsqrt",
  "exp",
  "log",
  "log1p",
  "reciprocal",
  "relu",
  "leakyRelu",
  "elu",
  "selu",
  "gelu",
  "sigmoid",
  "tanh",
  "softplus",
  "erf",
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** Activations that a fused kernel can apply and differentiate from its own output. */
export const FUSED_ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh"] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

/** Broadcasting binary ops; the comparisons (from `equal` on) return bool. */
export const BINARY_OPS = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "equal",
  "notEqual",
  "greater",
  "greaterEqual",
  "less",
  "lessEqual",
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export const REDUCE_OPS = ["sum", "max", "min"] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

/** Recurrent cells of the fused sequence kernels. */
export const RNN_KINDS = ["simple", "lstm", "gru"] as const;
export type RnnKind = (typeof RNN_KINDS)[number];

/** How image transforms fill points that fall outside the input (Keras's fill_mode). */
export const FILL_MODES = ["constant", "reflect", "wrap", "nearest"] as const;
export type FillMode = (typeof FILL_MODES)[number];

/** How image transforms sample between pixels. */
export const INTERPOLATIONS = ["bilinear", "nearest"] as const;
export type Interpolation = (typeof INTERPOLATIONS)[number];

/** The tables the native addon switches on, by the C++ enum prefix they become. */
export const OP_TABLES = {
  UNARY: UNARY_OPS,
  BINARY: BINARY_OPS,
  ACT: FUSED_ACTIVATIONS,
  REDUCE: REDUCE_OPS,
  RNN: RNN_KINDS,
  FILL: FILL_MODES,
  INTERP: INTERPOLATIONS,
} as const;

/** The code of `op` in its table (its index): what the native addon receives. */
export function opCode<T extends string>(table: readonly T[], op: T): number {
  const code = table.indexOf(op);
  if (code < 0) throw new RangeError(`unknown op '${op}' (known: ${table.join(", ")})`);
  return code;
}

export function isComparison(op: BinaryOp): boolean {
  return BINARY_OPS.indexOf(op) >= BINARY_OPS.indexOf("equal");
}

/** Everything a conv2d kernel needs to know, resolved once by the op (NHWC input, HWIO filter). */
export interface Conv2dGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

/** Pooling window geometry over NHWC input; channels are pooled independently. */
export interface Pool2dGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/**
 * A batched projective image transform (TensorFlow's ImageProjectiveTransformV3): output pixel
 * (x, y) of image b samples the input at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k) with
 * k = c0 x + c1 y + 1, from transforms[b] = [a0, a1, a2, b0, b1, b2, c0, c1].
 */
export interface TransformGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  fillMode: FillMode;
  interpolation: Interpolation;
  fillValue: number;
}

export interface ResizeGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/**
 * A window of a decoded image's bytes ([srcH, srcW, channels], interleaved) resized to float32
 * [outH, outW, channels] as an image is loaded: rows [top, top + height) and columns [left, left +
 * width), half-pixel centers and no antialiasing (tf.image.resize), bilinear or nearest.
 */
export interface ByteResizeGeometry {
  srcH: number;
  srcW: number;
  channels: number;
  top: number;
  left: number;
  height: number;
  width: number;
  outH: number;
  outW: number;
  nearest: boolean;
}

/**
 * A whole recurrent layer over a sequence, in Keras's weight layout: x [batch, steps, features],
 * kernel W [features, gates*units], recurrent kernel R [units, gates*units], bias [gates*units]
 * (GRU: [2, 3*units], input then recurrent bias, as Keras's reset_after=True). Gates: SimpleRNN 1,
 * LSTM 4 (i, f, c, o), GRU 3 (z, r, h).
 */
export interface RnnSpec {
  kind: RnnKind;
  batch: number;
  steps: number;
  features: number;
  units: number;
  activation: FusedActivation;
  recurrentActivation: FusedActivation;
}

/** What the forward pass keeps for the backward pass: every hidden state (and cell state), and gate values. */
export interface RnnSaved {
  hs: F32;
  cs: F32 | null;
  cache: F32 | null;
}

export interface RnnGrads {
  dx: F32;
  dW: F32;
  dR: F32;
  db: F32 | null;
  dh0: F32;
  dc0: F32 | null;
}

/**
 * The interface itself is generated from its declarations in the kernel table (kernel-table/,
 * `npm run gen:bindings`), which also bind it to the compiled kernels.
 */
export type { Kernels } from "./kernels.gen.js";
