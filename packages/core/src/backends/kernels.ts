/**
 * The kernel interface: the primitives every op's forward and backward pass goes through.
 * Plain data in, plain data out (typed arrays, shapes and numbers, never Tensor objects), so
 * that the TypeScript reference and the native addon are interchangeable and testable against
 * each other. Kernels never mutate their inputs, except the optimizer updates, which exist to
 * update parameters in place.
 */
import type { DType, TypedArray } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";

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

export interface Kernels {
  readonly name: string;
  /** Whether products run in bfloat16 here (the js backend emulates them; native needs AVX512_BF16). */
  readonly bfloat16: boolean;

  // elementwise
  unary(op: UnaryOp, x: F32, alpha: number): F32;
  /** d(op)/dx times dy; `y` is the forward output (cheaper for sigmoid, tanh, exp, ...). */
  unaryGrad(op: UnaryOp, dy: F32, x: F32, y: F32, alpha: number): F32;
  /** Broadcasting binary op; inputs share one dtype; comparisons return bool (Uint8Array). */
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray;
  /** Broadcasting select: cond ? a : b. */
  where(cond: Uint8Array, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray;
  cast(x: TypedArray, dtype: DType): TypedArray;
  /**
   * y = act(x * scale + bias), scale and bias broadcast along the last axis (of their length);
   * a null bias adds nothing, a null or absent scale multiplies by 1.
   */
  biasActivation(x: F32, bias: F32 | null, act: FusedActivation, scale?: F32 | null): F32;
  /**
   * The backward pass of biasActivation in one sweep: dz = dy * act'(z) from y = act(z) alone,
   * and the bias gradient db = sum of dz over all rows of `channels` (null when channels is 0).
   */
  biasActivationGrad(dy: F32, y: F32, act: FusedActivation, channels: number): { dz: F32; db: F32 | null };

  // reductions over the middle axis of a [outer, n, inner] view
  reduce(op: ReduceOp, x: F32, outer: number, n: number, inner: number): F32;
  argReduce(op: "argmax" | "argmin", x: F32, outer: number, n: number, inner: number): Int32Array;
  /** Running sums over the middle axis of a [outer, n, inner] view, from its end when `reverse`. */
  cumsum(x: F32, outer: number, n: number, inner: number, reverse: boolean): F32;

  // data movement (any dtype)
  transpose(x: TypedArray, shape: Shape, perm: readonly number[]): TypedArray;
  slice(x: TypedArray, shape: Shape, begin: readonly number[], size: readonly number[]): TypedArray;
  pad(x: TypedArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number): TypedArray;
  /** Concatenates along `axis`; all shapes agree elsewhere. */
  concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number): TypedArray;
  /** Picks `indices` along `axis` of x. */
  gather(x: TypedArray, shape: Shape, indices: Int32Array, axis: number): TypedArray;
  /** The gradient of gather: adds rows of dy into a zero tensor of `shape` at `indices`. */
  scatterAdd(dy: F32, indices: Int32Array, shape: Shape, axis: number): F32;
  tile(x: TypedArray, shape: Shape, reps: readonly number[]): TypedArray;
  flip(x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray;

  // linear algebra: batched a[...,m,k] x b[...,k,n]; batch dims broadcast
  matMul(a: F32, aShape: Shape, b: F32, bShape: Shape, transA: boolean, transB: boolean, outShape: Shape, precision?: Precision): F32;

  // convolution and pooling, NHWC
  /** act(conv2d(x, w) + bias): bias (per output channel) may be null; "linear" for no activation. */
  conv2d(x: F32, w: F32, g: Conv2dGeometry, bias: F32 | null, act: FusedActivation, precision?: Precision): F32;
  /**
   * maxPool2d(conv2d(x, w, g, bias, act), pool) in one pass (pool.in* = g.out*): inference of a
   * Conv2D that only a MaxPooling2D reads, without writing the convolution's output in full.
   */
  conv2dMaxPool(x: F32, w: F32, g: Conv2dGeometry, bias: F32 | null, act: FusedActivation, pool: Pool2dGeometry, precision?: Precision): F32;
  conv2dBackpropInput(dy: F32, w: F32, g: Conv2dGeometry, precision?: Precision): F32;
  conv2dBackpropFilter(x: F32, dy: F32, g: Conv2dGeometry, precision?: Precision): F32;
  /** Depthwise: kernel [kh, kw, inC, multiplier], g.outC = inC * multiplier; output channel c * multiplier + j. */
  depthwiseConv2d(x: F32, w: F32, g: Conv2dGeometry, bias: F32 | null, act: FusedActivation): F32;
  depthwiseConv2dBackpropInput(dy: F32, w: F32, g: Conv2dGeometry): F32;
  depthwiseConv2dBackpropFilter(x: F32, dy: F32, g: Conv2dGeometry): F32;
  maxPool2d(x: F32, g: Pool2dGeometry): F32;
  maxPool2dGrad(dy: F32, x: F32, g: Pool2dGeometry): F32;
  /**
   * The gradient through a max pool of x = relu(z + bias) back to z, in one pass: maxPool2dGrad,
   * then zero where x <= 0, and the bias gradient (dz summed per channel). Fit's backward fuses
   * a relu convolution's pooling this way (src/autodiff/grad.ts).
   */
  maxPool2dReluGrad(dy: F32, x: F32, g: Pool2dGeometry): { dz: F32; db: F32 };
  /** Average over the window cells inside the input (padding excluded, as in Keras). */
  avgPool2d(x: F32, g: Pool2dGeometry): F32;
  avgPool2dGrad(dy: F32, g: Pool2dGeometry): F32;
  resizeBilinear(x: F32, g: ResizeGeometry): F32;
  resizeBilinearGrad(dy: F32, g: ResizeGeometry): F32;
  resizeNearest(x: F32, g: ResizeGeometry): F32;
  resizeNearestGrad(dy: F32, g: ResizeGeometry): F32;
  /** Warps every image by its own transform (transforms [batch, 8]); see TransformGeometry. */
  imageTransform(x: F32, transforms: F32, g: TransformGeometry): F32;
  /** The adjoint: each output gradient goes back to the input pixels it was sampled from. */
  imageTransformGrad(dy: F32, transforms: F32, g: TransformGeometry): F32;

  // softmax family over the middle axis of [outer, n, inner]
  softmax(x: F32, outer: number, n: number, inner: number): F32;
  logSoftmax(x: F32, outer: number, n: number, inner: number): F32;
  softmaxGrad(dy: F32, y: F32, outer: number, n: number, inner: number): F32;
  logSoftmaxGrad(dy: F32, y: F32, outer: number, n: number, inner: number): F32;
  /** Per-row -sum(labels * logSoftmax(logits)) over [rows, classes], and d(loss_row)/d(logits). */
  softmaxCrossEntropy(logits: F32, labels: F32, rows: number, classes: number): { loss: F32; dlogits: F32 };
  /** The same with integer class labels; a label outside [0, classes) throws. */
  sparseSoftmaxCrossEntropy(logits: F32, labels: Int32Array, rows: number, classes: number): { loss: F32; dlogits: F32 };
  /** Elementwise max(x,0) - x*z + log(1 + exp(-|x|)), and its gradient sigmoid(x) - z. */
  sigmoidCrossEntropy(logits: F32, labels: F32): { loss: F32; dlogits: F32 };

  // recurrent layers: one call per sequence; a mask [batch, steps] of 0/1 carries the state over
  // masked steps; recMask [batch, units] (recurrent dropout, scaled) multiplies the state where it
  // enters the recurrent product
  rnnForward(spec: RnnSpec, x: F32, W: F32, R: F32, bias: F32 | null, h0: F32, c0: F32 | null, mask: F32 | null, recMask: F32 | null): RnnSaved;
  /** dhs: the gradient of every output h [batch, steps, units]; dcT: of the final cell state (LSTM). */
  rnnBackward(
    spec: RnnSpec,
    dhs: F32,
    dcT: F32 | null,
    x: F32,
    W: F32,
    R: F32,
    bias: F32 | null,
    h0: F32,
    c0: F32 | null,
    mask: F32 | null,
    recMask: F32 | null,
    saved: RnnSaved,
  ): RnnGrads;

  // optimizer updates, in place on param and slots
  sgdUpdate(param: F32, grad: F32, velocity: F32 | null, lr: number, momentum: number, nesterov: boolean): void;
  rmspropUpdate(param: F32, grad: F32, meanSquare: F32, momentumBuf: F32 | null, lr: number, rho: number, momentum: number, epsilon: number): void;
  adamUpdate(param: F32, grad: F32, m: F32, v: F32, lr: number, beta1: number, beta2: number, epsilon: number, step: number, weightDecay: number): void;
}
