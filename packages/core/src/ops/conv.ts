/** conv2d and conv1d: NHWC (NWC) inputs, HWIO (WIO) kernels, as in Keras. */
import { type Conv2dGeometry, FUSED_ACTIVATIONS, type FusedActivation, PRECISIONS, type Precision } from "../backends/kernels.js";
import { bufferPool } from "../tensor/buffer-pool.js";
import { shapeToString } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { assertFloat, assertRank, backend, f32, record } from "./core.js";
import { reshape } from "./shape.js";

export type Padding = "valid" | "same";
export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  strides?: Pair;
  padding?: Padding;
  dilationRate?: Pair;
  /** Fused after the convolution: bias along the output channels. */
  bias?: Tensor | null;
  /** Fused after the bias (linear, relu, sigmoid, tanh). */
  activation?: FusedActivation;
  /**
   * "bfloat16": mixed precision, the convolution and both its gradients on operands rounded to
   * bfloat16 with float32 sums (conv2d and conv1d; depthwise convolutions stay float32).
   */
  precision?: Precision;
}

export function pair(v: Pair | undefined, fallback: number, who: string, what: string): [number, number] {
  const p: [number, number] = v === undefined ? [fallback, fallback] : typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 1)) throw new RangeError(`${who}: ${what} must be positive integers, got ${JSON.stringify(v)}`);
  return p;
}

export function assertPadding(p: unknown, who: string): Padding {
  if (p === undefined) return "valid";
  if (p !== "valid" && p !== "same") throw new RangeError(`${who}: padding must be 'valid' or 'same', got '${String(p)}'`);
  return p;
}

/**
 * Output length and leading padding along one axis, by TensorFlow's rules: 'valid' keeps only
 * full windows; 'same' gives ceil(in / stride) and puts the odd padding cell at the end.
 */
export function convOutput(inSize: number, k: number, stride: number, dilation: number, padding: Padding): { out: number; padBefore: number } {
  const effective = (k - 1) * dilation + 1;
  if (padding === "valid") return { out: Math.max(0, Math.floor((inSize - effective) / stride) + 1), padBefore: 0 };
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + effective - inSize, 0);
  return { out, padBefore: Math.floor(total / 2) };
}

export function conv2dGeometry(xShape: readonly number[], wShape: readonly number[], options: Conv2dOptions, who = "conv2d"): Conv2dGeometry {
  const [batch, inH, inW, inC] = xShape;
  const [kH, kW, wIn, outC] = wShape;
  if (wIn !== inC) {
    throw new RangeError(
      `${who}: input has ${inC} channels but the kernel expects ${wIn}: input ${shapeToString(xShape)}, kernel ${shapeToString(wShape)} [kh, kw, in, out]`,
    );
  }
  const [strideH, strideW] = pair(options.strides, 1, who, "strides");
  const [dilationH, dilationW] = pair(options.dilationRate, 1, who, "dilationRate");
  const padding = assertPadding(options.padding, who);
  const h = convOutput(inH, kH, strideH, dilationH, padding);
  const w = convOutput(inW, kW, strideW, dilationW, padding);
  if (h.out <= 0 || w.out <= 0) {
    throw new RangeError(
      `${who}: a ${kH}x${kW} kernel (dilation ${dilationH}x${dilationW}) does not fit input ${shapeToString(xShape)} with padding '${padding}'`,
    );
  }
  return {
    batch,
    inH,
    inW,
    inC,
    outH: h.out,
    outW: w.out,
    outC,
    kH,
    kW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop: h.padBefore,
    padLeft: w.padBefore,
  };
}

/** The kernels of a convolution family: a regular or a depthwise convolution. */
type ConvKind = "conv2d" | "depthwiseConv2d";

function checkConvInputs(who: string, x: Tensor, kernel: Tensor, layout: string): void {
  assertTensor(x, who);
  assertTensor(kernel, who, "kernel");
  assertRank(x, 4, who, "[batch, h, w, channels]");
  if (kernel.rank !== 4) throw new RangeError(`${who}: expected kernel of rank 4 ${layout}, got ${shapeToString(kernel.shape)}`);
}

/** A convolution's operands, checked: what its kernels take. */
export interface ConvOperands {
  xv: Float32Array;
  wv: Float32Array;
  g: Conv2dGeometry;
  bias: Tensor | null;
  bv: Float32Array | null;
  act: FusedActivation;
  precision: Precision;
}

function convOperands(kind: ConvKind, x: Tensor, kernel: Tensor, g: Conv2dGeometry, options: Conv2dOptions): ConvOperands {
  const xv = assertFloat(x, kind);
  const wv = assertFloat(kernel, kind, "kernel");
  const act = options.activation ?? "linear";
  if (!FUSED_ACTIVATIONS.includes(act)) throw new RangeError(`${kind}: unsupported fused activation '${act}'; use ${FUSED_ACTIVATIONS.join(", ")}`);
  const bias = options.bias ?? null;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== g.outC)) {
    throw new RangeError(`${kind}: bias must be [${g.outC}] (one per output channel), got ${shapeToString(bias.shape)}`);
  }
  const bv = bias ? assertFloat(bias, kind, "bias") : null;
  const precision = options.precision ?? "float32";
  if (!PRECISIONS.includes(precision)) throw new RangeError(`${kind}: precision must be ${PRECISIONS.join(" or ")}, got '${String(precision)}'`);
  return { xv, wv, g, bias, bv, act, precision };
}

/** conv2d's operands, checked as conv2d checks them (for ops that run a conv2d in a larger kernel). */
export function conv2dOperands(x: Tensor, kernel: Tensor, options: Conv2dOptions): ConvOperands {
  checkConvInputs("conv2d", x, kernel, "[kh, kw, in, out]");
  return convOperands("conv2d", x, kernel, conv2dGeometry(x.shape, kernel.shape, options), options);
}

/** What a convolution's gradients need (its forward pass aside). */
export interface ConvolutionGradients {
  /** x, kernel and (when given) the bias: the inputs a node records. */
  inputs: Tensor[];
  act: FusedActivation;
  /** The bias's channels, or 0 without a bias. */
  biasChannels: number;
  /** The inputs' gradients from dz (with respect to the convolution plus bias) and the bias's db. */
  fromPreActivation(dz: Float32Array, db: Float32Array | null, needs: readonly boolean[]): (Tensor<"float32"> | null)[];
}

/** A convolution's forward result, not yet recorded, with what its gradients need. */
export interface Convolution extends ConvolutionGradients {
  y: Tensor<"float32">;
}

function gradients(kind: ConvKind, x: Tensor, kernel: Tensor, operands: ConvOperands): ConvolutionGradients {
  const { xv, wv, g, bias, act, precision } = operands;
  const k = backend();
  const [backInput, backFilter] =
    kind === "conv2d"
      ? [
          (dy: Float32Array, w: Float32Array, g: Conv2dGeometry) => k.conv2dBackpropInput(dy, w, g, precision),
          (x: Float32Array, dy: Float32Array, g: Conv2dGeometry) => k.conv2dBackpropFilter(x, dy, g, precision),
        ]
      : [k.depthwiseConv2dBackpropInput.bind(k), k.depthwiseConv2dBackpropFilter.bind(k)];
  return {
    inputs: bias ? [x, kernel, bias] : [x, kernel],
    act,
    biasChannels: bias ? g.outC : 0,
    fromPreActivation: (dz, db, needs) => {
      const grads: (Tensor<"float32"> | null)[] = [
        needs[0] ? f32(backInput(dz, wv, g), x.shape) : null,
        needs[1] ? f32(backFilter(xv, dz, g), kernel.shape) : null,
      ];
      if (bias) grads.push(f32(db!, bias.shape));
      return grads;
    },
  };
}

function convolution(kind: ConvKind, x: Tensor, kernel: Tensor, g: Conv2dGeometry, options: Conv2dOptions): Convolution {
  const operands = convOperands(kind, x, kernel, g, options);
  const { xv, wv, bv, act, precision } = operands;
  const k = backend();
  const y = kind === "conv2d" ? k.conv2d(xv, wv, g, bv, act, precision) : k.depthwiseConv2d(xv, wv, g, bv, act);
  return { y: f32(y, [g.batch, g.outH, g.outW, g.outC]), ...gradients(kind, x, kernel, operands) };
}

/** conv2d's forward pass, checked as conv2d checks it, for ops that record it with more (conv2dMaxPool). */
export function conv2dForward(x: Tensor, kernel: Tensor, options: Conv2dOptions): Convolution {
  checkConvInputs("conv2d", x, kernel, "[kh, kw, in, out]");
  return convolution("conv2d", x, kernel, conv2dGeometry(x.shape, kernel.shape, options), options);
}

/** conv2d's gradients without its forward pass, for ops that run it in a larger kernel (conv2dMaxPool). */
export function conv2dGradients(x: Tensor, kernel: Tensor, operands: ConvOperands): ConvolutionGradients {
  return gradients("conv2d", x, kernel, operands);
}

/**
 * One node for convolution, bias and activation: the backward pass gets dz = dy * act'(y) and the
 * bias gradient in one sweep, then the two convolution gradients.
 */
function fusedConvolution(kind: ConvKind, x: Tensor, kernel: Tensor, g: Conv2dGeometry, options: Conv2dOptions): Tensor<"float32"> {
  const c = convolution(kind, x, kernel, g, options);
  return record(kind, c.inputs, c.y, (dy, needs) => {
    if (c.biasChannels === 0 && c.act === "linear") return c.fromPreActivation(dy.values, null, needs);
    const { dz, db } = backend().biasActivationGrad(dy.values, c.y.values, c.act, c.biasChannels);
    const grads = c.fromPreActivation(dz, db, needs);
    // dz is this node's own: nothing reads it once the convolution's gradients are taken
    if (dz !== dy.values) bufferPool.give(dz);
    return grads;
  });
}

/** 2-D convolution of x [batch, h, w, in] with kernel [kh, kw, in, out]. */
export function conv2d(x: Tensor, kernel: Tensor, options: Conv2dOptions = {}): Tensor<"float32"> {
  checkConvInputs("conv2d", x, kernel, "[kh, kw, in, out]");
  return fusedConvolution("conv2d", x, kernel, conv2dGeometry(x.shape, kernel.shape, options), options);
}

/**
 * Depthwise 2-D convolution (MobileNet's): every input channel of x [batch, h, w, c] is convolved
 * with its own `multiplier` filters, kernel [kh, kw, c, multiplier]; output channel c * multiplier + j.
 */
export function depthwiseConv2d(x: Tensor, kernel: Tensor, options: Conv2dOptions = {}): Tensor<"float32"> {
  checkConvInputs("depthwiseConv2d", x, kernel, "[kh, kw, channels, multiplier]");
  const [kh, kw, c, m] = kernel.shape;
  const g = conv2dGeometry(x.shape, [kh, kw, c, c * m], options, "depthwiseConv2d");
  return fusedConvolution("depthwiseConv2d", x, kernel, g, options);
}

export interface Conv1dOptions extends Omit<Conv2dOptions, "strides" | "dilationRate"> {
  strides?: number;
  dilationRate?: number;
}

/** 1-D convolution of x [batch, steps, in] with kernel [k, in, out], as a conv2d of height 1. */
export function conv1d(x: Tensor, kernel: Tensor, options: Conv1dOptions = {}): Tensor<"float32"> {
  assertTensor(x, "conv1d");
  assertTensor(kernel, "conv1d", "kernel");
  assertRank(x, 3, "conv1d", "[batch, steps, channels]");
  if (kernel.rank !== 3) throw new RangeError(`conv1d: expected kernel of rank 3 [k, in, out], got ${shapeToString(kernel.shape)}`);
  const [b, steps, c] = x.shape;
  const y = conv2d(reshape(x, [b, 1, steps, c]), reshape(kernel, [1, ...kernel.shape]), {
    ...options,
    strides: [1, options.strides ?? 1],
    dilationRate: [1, options.dilationRate ?? 1],
  });
  return reshape(y, [b, y.shape[2], y.shape[3]]);
}
