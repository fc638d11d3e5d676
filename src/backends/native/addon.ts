/** The compiled addon (build/Release/kerno.node): its exports, and loading it once. */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { F32 } from "../kernels.js";

/** What the addon exports (see native/addon.cc). */
export interface Addon {
  info(): { isa: string; threads: number; bf16: boolean };
  /** This CPU's measured multiply-add peak in GFLOPS on the active instruction set, all threads (about 0.2 s). */
  fmaPeak(): number;
  matMul(
    a: F32,
    b: F32,
    out: F32,
    aOffsets: Int32Array,
    bOffsets: Int32Array,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    bf16: boolean,
  ): void;
  /** bf16 (here and in the gradients): operands rounded to bfloat16, float32 sums; needs info().bf16. */
  conv2d(x: F32, w: F32, y: F32, g: Int32Array, bias: F32 | null, act: number, bf16: boolean): void;
  conv2dMaxPool(x: F32, w: F32, y: F32, g: Int32Array, bias: F32 | null, act: number, pool: Int32Array, bf16: boolean): void;
  conv2dBackpropInput(dy: F32, w: F32, dx: F32, g: Int32Array, bf16: boolean): void;
  conv2dBackpropFilter(x: F32, dy: F32, dw: F32, g: Int32Array, bf16: boolean): void;
  maxPool2d(x: F32, y: F32, g: Int32Array): void;
  maxPool2dGrad(dy: F32, x: F32, dx: F32, g: Int32Array): void;
  maxPool2dReluGrad(dy: F32, x: F32, dz: F32, db: F32, g: Int32Array): void;
  avgPool2d(x: F32, y: F32, g: Int32Array): void;
  avgPool2dGrad(dy: F32, dx: F32, g: Int32Array): void;
  unary(op: number, x: F32, y: F32, alpha: number): void;
  unaryGrad(op: number, dy: F32, x: F32, y: F32, dx: F32, alpha: number): void;
  binary(op: number, a: F32, aStrides: Int32Array, b: F32, bStrides: Int32Array, out: F32 | Uint8Array, outShape: Int32Array, comparison: boolean): void;
  biasActivation(x: F32, bias: F32 | null, y: F32, channels: number, act: number, scale: F32 | null): void;
  biasActivationGrad(dy: F32, y: F32, dz: F32, db: F32 | null, channels: number, act: number): void;
  reduce(op: number, x: F32, y: F32, outer: number, n: number, inner: number): void;
  argReduce(isMax: boolean, x: F32, y: Int32Array, outer: number, n: number, inner: number): void;
  transpose(x: F32, y: F32, outShape: Int32Array, srcStrides: Int32Array): void;
  softmax(x: F32, y: F32, outer: number, n: number, inner: number, log: boolean): void;
  softmaxGrad(dy: F32, y: F32, dx: F32, outer: number, n: number, inner: number, log: boolean): void;
  softmaxCrossEntropy(logits: F32, labels: F32, loss: F32, dlogits: F32, rows: number, classes: number): void;
  sparseSoftmaxCrossEntropy(logits: F32, labels: Int32Array, loss: F32, dlogits: F32, rows: number, classes: number): number;
  sigmoidCrossEntropy(logits: F32, labels: F32, loss: F32, dlogits: F32): void;
  sgdUpdate(p: F32, g: F32, vel: F32 | null, lr: number, momentum: number, nesterov: boolean): void;
  rmspropUpdate(p: F32, g: F32, ms: F32, mom: F32 | null, lr: number, rho: number, momentum: number, eps: number): void;
  adamUpdate(p: F32, g: F32, m: F32, v: F32, lr: number, b1: number, b2: number, eps: number, step: number, wd: number): void;
  depthwiseConv2d(x: F32, w: F32, y: F32, g: Int32Array, bias: F32 | null, act: number): void;
  depthwiseConv2dBackpropInput(dy: F32, w: F32, dx: F32, g: Int32Array): void;
  depthwiseConv2dBackpropFilter(x: F32, dy: F32, dw: F32, g: Int32Array): void;
  imageTransform(x: F32, transforms: F32, y: F32, geometry: Int32Array, fillValue: number): void;
  rnnForward(
    spec: Int32Array,
    x: F32,
    W: F32,
    R: F32,
    bias: F32 | null,
    h0: F32,
    c0: F32 | null,
    mask: F32 | null,
    recMask: F32 | null,
    hs: F32,
    cs: F32 | null,
    cache: F32 | null,
  ): void;
  rnnBackward(
    spec: Int32Array,
    dhs: F32,
    dcT: F32 | null,
    x: F32,
    W: F32,
    R: F32,
    h0: F32,
    c0: F32 | null,
    mask: F32 | null,
    recMask: F32 | null,
    hs: F32,
    cs: F32 | null,
    cache: F32 | null,
    dx: F32,
    dW: F32,
    dR: F32,
    db: F32 | null,
    dh0: F32,
    dc0: F32 | null,
  ): void;
}

/** Where node-gyp puts the addon, from src/backends/native or dist/backends/native. */
export function addonPath(): string {
  return fileURLToPath(new URL("../../../build/Release/kerno.node", import.meta.url));
}

let addon: Addon | null = null;

export function loadAddon(): Addon {
  if (addon) return addon;
  const path = addonPath();
  if (!existsSync(path))
    throw new Error(`the native addon was not built (${path} is missing; run 'npm rebuild kerno' or 'npx node-gyp rebuild' and see its errors)`);
  addon = createRequire(import.meta.url)(path) as Addon;
  return addon;
}
