import { jsKernels } from "../../src/backends/js/index.js";
import type { Conv2dGeometry, Kernels, RnnSpec } from "../../src/backends/kernels.js";
import { conv2dGeometry } from "../../src/ops/conv.js";
import { pool2dGeometry } from "../../src/ops/pool.js";
import { Random } from "../../src/tensor/random.js";
import { assertClose } from "./gradcheck.js";

export const js = jsKernels;
export let rng = new Random(99);
/** Starts the cases' random inputs over (a backend that runs a case twice needs the same inputs both times). */
export function reseedCases(seed = 99): void {
  rng = new Random(seed);
}
export const randArray = (n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
export const randInts = (n: number, hi: number) => Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * hi));
export const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
export const broadcastShape = (a: number[], b: number[]) => {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => Math.max(a[i - (r - a.length)] ?? 1, b[i - (r - b.length)] ?? 1));
};
export const close = (got: ArrayLike<number>, want: ArrayLike<number>, what: string, rtol = 1e-5, atol = 1e-6) => assertClose(got, want, rtol, atol, what);

export const CONV_CASES: [number[], number[], number, "valid" | "same", number][] = [
  [[1, 7, 6, 1], [3, 3, 1, 5], 1, "valid", 1],
  [[2, 9, 9, 3], [3, 3, 3, 7], 2, "same", 1],
  [[3, 8, 7, 5], [3, 2, 5, 9], 1, "same", 1],
  [[2, 10, 11, 4], [3, 3, 4, 13], 2, "valid", 1],
  [[1, 9, 9, 2], [3, 3, 2, 3], 1, "same", 2],
  [[4, 5, 5, 17], [1, 1, 17, 6], 1, "valid", 1],
  [[2, 28, 28, 1], [3, 3, 1, 32], 1, "valid", 1],
  [[5, 13, 13, 32], [3, 3, 32, 64], 1, "valid", 1],
  // first layers on the direct path: padding edges, strides and dilation around the blocked interior
  [[2, 11, 13, 3], [3, 3, 3, 16], 2, "same", 1],
  [[1, 12, 15, 1], [3, 3, 1, 64], 1, "same", 2],
  [[2, 9, 10, 3], [3, 3, 3, 128], 1, "same", 1],
  // the input gradient's direct loops (1 to 4 input channels, up to 4 vectors of output
  // channels): blocks of pixels along rows wider than the kernel's reach, an even kernel's
  // one-sided padding, dilation; 16 output channels reach them on every instruction set
  [[1, 9, 21, 4], [3, 3, 4, 32], 1, "valid", 1],
  [[1, 9, 21, 4], [3, 3, 4, 16], 1, "valid", 1],
  [[2, 8, 19, 2], [2, 2, 2, 48], 1, "same", 1],
  [[2, 8, 19, 2], [2, 2, 2, 16], 1, "same", 1],
  [[1, 10, 12, 1], [3, 3, 1, 16], 1, "same", 1],
  [[2, 7, 17, 3], [3, 3, 3, 16], 1, "same", 1],
  [[1, 12, 15, 1], [3, 3, 1, 16], 1, "same", 2],
  // Winograd: 3x3 at stride 1, odd and even sizes, same and valid padding
  [[2, 9, 7, 16], [3, 3, 16, 24], 1, "same", 1],
  [[3, 6, 5, 20], [3, 3, 20, 16], 1, "valid", 1],
  [[1, 4, 4, 16], [3, 3, 16, 16], 1, "valid", 1],
  // more channels than one of the GEMM's depth panels on every instruction set (KC 256 or 512),
  // and out-channels that end in a partial sliver: Winograd's kernels packed once for every block
  [[1, 6, 5, 530], [3, 3, 530, 40], 1, "same", 1],
];
export interface ConvCase {
  g: Conv2dGeometry;
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
  what: string;
}

export function convCaseOf(xs: number[], ws: number[], strides = 1, padding: "valid" | "same" = "valid", dilationRate = 1): ConvCase {
  const g = conv2dGeometry(xs, ws, { strides, padding, dilationRate });
  return {
    g,
    x: randArray(size(xs)),
    w: randArray(size(ws)),
    dy: randArray(g.batch * g.outH * g.outW * g.outC),
    what: `conv ${xs} ${ws} s${strides} ${padding} d${dilationRate}`,
  };
}

export function convCases(): ConvCase[] {
  return CONV_CASES.map(([xs, ws, strides, padding, dilationRate]) => convCaseOf(xs, ws, strides, padding, dilationRate));
}

export const POOL_CASES: [number[], number, number, "valid" | "same"][] = [
  [[1, 7, 7, 3], 2, 2, "valid"],
  [[2, 9, 8, 5], 3, 2, "same"],
  [[3, 6, 6, 17], 3, 1, "same"],
  [[2, 26, 26, 32], 2, 2, "valid"],
  // disjoint 2x2 windows over whole vectors of channels and a tail
  [[2, 8, 8, 35], 2, 2, "valid"],
];
export function poolCases() {
  return POOL_CASES.map(([xs, poolSize, strides, padding]) => {
    const g = pool2dGeometry(xs, { poolSize, strides, padding }, "test");
    return { g, x: randArray(size(xs)), dy: randArray(g.batch * g.outH * g.outW * g.channels) };
  });
}

export const RESIZE_CASES = [
  { batch: 2, inH: 5, inW: 7, channels: 3, outH: 9, outW: 4, alignCorners: false, halfPixelCenters: true },
  { batch: 1, inH: 8, inW: 8, channels: 2, outH: 3, outW: 11, alignCorners: true, halfPixelCenters: false },
  { batch: 1, inH: 4, inW: 6, channels: 1, outH: 8, outW: 12, alignCorners: false, halfPixelCenters: false },
];

/** Image loading's resizes: down (by more than 2) and up, windows off the corner and of one pixel, 1 to 4 channels, nearest. */
export const BYTE_RESIZE_CASES = [
  { srcH: 23, srcW: 31, channels: 3, top: 0, left: 0, height: 23, width: 31, outH: 9, outW: 7, nearest: false },
  { srcH: 6, srcW: 5, channels: 1, top: 0, left: 0, height: 6, width: 5, outH: 13, outW: 11, nearest: false },
  { srcH: 17, srcW: 29, channels: 4, top: 2, left: 6, height: 15, width: 15, outH: 8, outW: 8, nearest: false },
  { srcH: 17, srcW: 29, channels: 3, top: 1, left: 3, height: 16, width: 20, outH: 7, outW: 9, nearest: true },
  { srcH: 4, srcW: 4, channels: 3, top: 0, left: 0, height: 4, width: 4, outH: 10, outW: 3, nearest: true },
  // 2 channels (no specialized loop), a one-pixel window, a reduction by 11 in one direction
  { srcH: 9, srcW: 7, channels: 2, top: 3, left: 2, height: 5, width: 4, outH: 6, outW: 3, nearest: false },
  { srcH: 5, srcW: 5, channels: 3, top: 4, left: 4, height: 1, width: 1, outH: 3, outW: 2, nearest: false },
  { srcH: 3, srcW: 77, channels: 1, top: 0, left: 0, height: 3, width: 77, outH: 5, outW: 7, nearest: false },
];

export const REDUCE_SHAPES = [
  [3, 17, 5],
  [51, 5, 1],
  [1, 255, 1],
  [3, 1, 85],
];
export const SOFTMAX_SHAPES = REDUCE_SHAPES;
export const BINARY_SHAPES = [
  [
    [7, 13],
    [7, 13],
  ],
  [[7, 13], [13]],
  [
    [7, 1, 5],
    [3, 1],
  ],
  [[1], [4, 9]],
  [
    [2, 3, 4, 5],
    [2, 1, 4, 1],
  ],
];

export function rnnCase(kind: RnnSpec["kind"], [batch, steps, features, units]: number[]) {
  const spec: RnnSpec = { kind, batch, steps, features, units, activation: kind === "simple" ? "relu" : "tanh", recurrentActivation: "sigmoid" };
  const G = { simple: 1, lstm: 4, gru: 3 }[kind];
  return {
    spec,
    x: randArray(batch * steps * features),
    W: randArray(features * G * units),
    R: randArray(units * G * units),
    bias: randArray(G * units * (kind === "gru" ? 2 : 1)),
    h0: randArray(batch * units),
    c0: kind === "lstm" ? randArray(batch * units) : null,
    mask: steps > 1 ? Float32Array.from({ length: batch * steps }, (_, i) => (i % 3 === 1 ? 0 : 1)) : null,
    recMask: batch === 3 ? Float32Array.from({ length: batch * units }, (_, i) => (i % 4 === 0 ? 0 : 4 / 3)) : null,
  };
}
export const RNN_SIZES = [
  [1, 1, 6, 16],
  [3, 5, 4, 7],
  [32, 6, 1, 16],
];

export function optimizerRun(k: Kernels, which: "sgd" | "rmsprop" | "adam"): Float32Array {
  const local = new Random(3);
  const p = Float32Array.from({ length: 1003 }, () => local.uniform() - 0.5),
    g = Float32Array.from({ length: 1003 }, () => local.uniform() - 0.5);
  const s1 = new Float32Array(1003),
    s2 = new Float32Array(1003);
  for (let step = 1; step <= 3; step++) {
    if (which === "sgd") k.sgdUpdate(p, g, step === 3 ? null : s1, 0.1, 0.9, step === 2);
    if (which === "rmsprop") k.rmspropUpdate(p, g, s1, step === 3 ? s2 : null, 0.01, 0.9, 0.5, 1e-7);
    if (which === "adam") k.adamUpdate(p, g, s1, s2, 0.01, 0.9, 0.999, 1e-7, step, step === 2 ? 0.01 : 0);
  }
  return p;
}

export const TRANSFORM_CASES = (["constant", "reflect", "wrap", "nearest"] as const).flatMap((fillMode) =>
  (["bilinear", "nearest"] as const).map((interpolation) => ({
    batch: 3,
    inH: 7,
    inW: 9,
    channels: 3,
    outH: 6,
    outW: 10,
    fillMode,
    interpolation,
    fillValue: 0.25,
  })),
);

/** Per-image transforms: a rotation with zoom and shift, a projective one, and one that maps far outside. */
export function transformsFor(batch: number): Float32Array {
  const rows = [
    [Math.cos(0.4) * 1.2, -Math.sin(0.4), 1.5, Math.sin(0.4), Math.cos(0.4) * 0.9, -2.25, 0, 0],
    [1.1, 0.2, -3, -0.1, 0.8, 2, 0.01, -0.02],
    [2.5, 0, -14.3, 0, -1.7, 20.6, 0, 0],
  ];
  return Float32Array.from({ length: batch * 8 }, (_, i) => rows[Math.floor(i / 8) % rows.length][i % 8]);
}

const DEPTHWISE_CASES: [number[], number[], number, "valid" | "same"][] = [
  [[2, 7, 6, 3], [3, 3, 3, 1], 1, "same"],
  [[1, 9, 8, 8], [3, 3, 8, 1], 2, "same"],
  [[2, 6, 6, 5], [3, 2, 5, 2], 1, "valid"],
  [[1, 5, 5, 17], [1, 1, 17, 3], 1, "valid"],
];
export function depthwiseCases() {
  return DEPTHWISE_CASES.map(([xs, ws, strides, padding]) => {
    const g = conv2dGeometry(xs, [ws[0], ws[1], ws[2], ws[2] * ws[3]], { strides, padding });
    return {
      g,
      x: randArray(size(xs)),
      w: randArray(size(ws)),
      bias: randArray(g.outC),
      dy: randArray(g.batch * g.outH * g.outW * g.outC),
      what: `depthwise ${xs} ${ws} s${strides} ${padding}`,
    };
  });
}
