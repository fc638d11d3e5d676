/**
 * The native backend: the C++ addon's kernels (build/Release/kerno.node, built by node-gyp at
 * install) for float32 data, and the TypeScript kernels for what the addon does not cover
 * (int32 and bool data, data movement other than transpose, resizing). Outputs are allocated
 * here and filled in place by the addon.
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  BINARY_OPS, type Conv2dGeometry, type F32, FUSED_ACTIVATIONS, isComparison, type Kernels, opCode, type Pool2dGeometry, REDUCE_OPS,
  RNN_KINDS, type RnnSpec, UNARY_OPS,
} from "../kernels.js";
import { jsKernels } from "../js/index.js";
import { broadcastStrides } from "../js/elementwise.js";
import { registerBackend } from "../registry.js";
import { type Shape, sizeOf, stridesOf } from "../../tensor/shape.js";

/** What the addon exports (see native/addon.cc). */
export interface Addon {
  info(): { isa: string; threads: number };
  matMul(a: F32, b: F32, out: F32, aOffsets: Int32Array, bOffsets: Int32Array, m: number, n: number, k: number, transA: boolean, transB: boolean): void;
  conv2d(x: F32, w: F32, y: F32, g: Int32Array, bias: F32 | null, act: number): void;
  conv2dBackpropInput(dy: F32, w: F32, dx: F32, g: Int32Array): void;
  conv2dBackpropFilter(x: F32, dy: F32, dw: F32, g: Int32Array): void;
  maxPool2d(x: F32, y: F32, g: Int32Array): void;
  maxPool2dGrad(dy: F32, x: F32, dx: F32, g: Int32Array): void;
  avgPool2d(x: F32, y: F32, g: Int32Array): void;
  avgPool2dGrad(dy: F32, dx: F32, g: Int32Array): void;
  unary(op: number, x: F32, y: F32, alpha: number): void;
  unaryGrad(op: number, dy: F32, x: F32, y: F32, dx: F32, alpha: number): void;
  binary(op: number, a: F32, aStrides: Int32Array, b: F32, bStrides: Int32Array, out: F32 | Uint8Array, outShape: Int32Array, comparison: boolean): void;
  biasActivation(x: F32, bias: F32 | null, y: F32, channels: number, act: number): void;
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
  rnnForward(spec: Int32Array, x: F32, W: F32, R: F32, bias: F32 | null, h0: F32, c0: F32 | null, mask: F32 | null, recMask: F32 | null,
    hs: F32, cs: F32 | null, cache: F32 | null): void;
  rnnBackward(spec: Int32Array, dhs: F32, dcT: F32 | null, x: F32, W: F32, R: F32, h0: F32, c0: F32 | null, mask: F32 | null, recMask: F32 | null,
    hs: F32, cs: F32 | null, cache: F32 | null, dx: F32, dW: F32, dR: F32, db: F32 | null, dh0: F32, dc0: F32 | null): void;
}


/** Where node-gyp puts the addon, from src/backends/native or dist/backends/native. */
export function addonPath(): string {
  return fileURLToPath(new URL("../../../build/Release/kerno.node", import.meta.url));
}

let addon: Addon | null = null;

export function loadAddon(): Addon {
  if (addon) return addon;
  const path = addonPath();
  if (!existsSync(path)) throw new Error(`the native addon was not built (${path} is missing; run 'npm rebuild kerno' or 'npx node-gyp rebuild' and see its errors)`);
  addon = createRequire(import.meta.url)(path) as Addon;
  return addon;
}

function convGeometry(g: Conv2dGeometry): Int32Array {
  return Int32Array.of(g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft);
}

function poolGeometry(g: Pool2dGeometry): Int32Array {
  return Int32Array.of(g.batch, g.inH, g.inW, g.channels, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft);
}

export function rnnSpecArray(s: RnnSpec): Int32Array {
  return Int32Array.of(opCode(RNN_KINDS, s.kind), s.batch, s.steps, s.features, s.units, opCode(FUSED_ACTIVATIONS, s.activation), opCode(FUSED_ACTIVATIONS, s.recurrentActivation));
}

/** Offsets (in elements) of each batch matrix of a [..., r, c] operand broadcast to `batchShape`. */
function batchOffsets(shape: Shape, batchShape: Shape): Int32Array {
  const mat = shape[shape.length - 2] * shape[shape.length - 1];
  const strides = broadcastStrides(shape.slice(0, -2), batchShape);
  const count = sizeOf(batchShape);
  const out = new Int32Array(count);
  const idx = new Array<number>(batchShape.length).fill(0);
  for (let t = 0; t < count; t++) {
    let off = 0;
    for (let d = 0; d < batchShape.length; d++) off += idx[d] * strides[d];
    out[t] = off * mat;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      if (++idx[d] < batchShape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

const isF32 = (x: unknown): x is Float32Array => x instanceof Float32Array;

/**
 * An output array for a kernel that writes every element. Large ones skip V8's zero fill (a
 * calloc, then a page fault per 4 KB on first touch): the kernel overwrites them anyway.
 */
function uninit(n: number): Float32Array {
  if (n < 4096) return new Float32Array(n);
  const b = Buffer.allocUnsafeSlow(n * 4);
  return new Float32Array(b.buffer, b.byteOffset, n);
}

export function makeNativeKernels(a: Addon): Kernels {
  const js = jsKernels;
  return {
    ...js,
    name: "native",
    unary(op, x, alpha) {
      const y = uninit(x.length);
      a.unary(opCode(UNARY_OPS, op), x, y, alpha);
      return y;
    },
    unaryGrad(op, dy, x, y, alpha) {
      const dx = uninit(dy.length);
      a.unaryGrad(opCode(UNARY_OPS, op), dy, x, y, dx, alpha);
      return dx;
    },
    binary(op, x, xShape, y, yShape, outShape) {
      if (!isF32(x) || !isF32(y)) return js.binary(op, x, xShape, y, yShape, outShape);
      const total = sizeOf(outShape);
      const cmp = isComparison(op);
      const out = cmp ? new Uint8Array(total) : uninit(total);
      a.binary(opCode(BINARY_OPS, op), x, Int32Array.from(broadcastStrides(xShape, outShape)), y, Int32Array.from(broadcastStrides(yShape, outShape)), out, Int32Array.from(outShape), cmp);
      return out;
    },
    biasActivation(x, bias, act) {
      const y = uninit(x.length);
      if (x.length > 0) a.biasActivation(x, bias, y, bias ? bias.length : 1, opCode(FUSED_ACTIVATIONS, act));
      return y;
    },
    biasActivationGrad(dy, y, act, channels) {
      const dz = uninit(dy.length);
      const db = channels > 0 ? uninit(channels) : null;
      if (dy.length > 0) a.biasActivationGrad(dy, y, dz, db, channels, opCode(FUSED_ACTIVATIONS, act));
      return { dz, db };
    },
    reduce(op, x, outer, n, inner) {
      const y = uninit(outer * inner);
      a.reduce(opCode(REDUCE_OPS, op), x, y, outer, n, inner);
      return y;
    },
    argReduce(op, x, outer, n, inner) {
      const y = new Int32Array(outer * inner);
      a.argReduce(op === "argmax", x, y, outer, n, inner);
      return y;
    },
    transpose(x, shape, perm) {
      if (!isF32(x) || shape.length > 16) return js.transpose(x, shape, perm);
      const strides = stridesOf(shape);
      const y = uninit(x.length);
      a.transpose(x, y, Int32Array.from(perm.map((p) => shape[p])), Int32Array.from(perm.map((p) => strides[p])));
      return y;
    },
    matMul(x, xShape, y, yShape, transA, transB, outShape) {
      const r = outShape.length;
      const m = outShape[r - 2], n = outShape[r - 1];
      const k = transA ? xShape[xShape.length - 2] : xShape[xShape.length - 1];
      const batch = outShape.slice(0, -2);
      const out = uninit(sizeOf(outShape));
      a.matMul(x, y, out, batchOffsets(xShape, batch), batchOffsets(yShape, batch), m, n, k, transA, transB);
      return out;
    },
    conv2d(x, w, g, bias, act) {
      const y = uninit(g.batch * g.outH * g.outW * g.outC);
      a.conv2d(x, w, y, convGeometry(g), bias, opCode(FUSED_ACTIVATIONS, act));
      return y;
    },
    conv2dBackpropInput(dy, w, g) {
      const dx = uninit(g.batch * g.inH * g.inW * g.inC);
      a.conv2dBackpropInput(dy, w, dx, convGeometry(g));
      return dx;
    },
    conv2dBackpropFilter(x, dy, g) {
      const dw = uninit(g.kH * g.kW * g.inC * g.outC);
      a.conv2dBackpropFilter(x, dy, dw, convGeometry(g));
      return dw;
    },
    maxPool2d(x, g) {
      const y = uninit(g.batch * g.outH * g.outW * g.channels);
      a.maxPool2d(x, y, poolGeometry(g));
      return y;
    },
    maxPool2dGrad(dy, x, g) {
      const dx = uninit(x.length);
      a.maxPool2dGrad(dy, x, dx, poolGeometry(g));
      return dx;
    },
    avgPool2d(x, g) {
      const y = uninit(g.batch * g.outH * g.outW * g.channels);
      a.avgPool2d(x, y, poolGeometry(g));
      return y;
    },
    avgPool2dGrad(dy, g) {
      const dx = uninit(g.batch * g.inH * g.inW * g.channels);
      a.avgPool2dGrad(dy, dx, poolGeometry(g));
      return dx;
    },
    softmax(x, outer, n, inner) {
      const y = uninit(x.length);
      a.softmax(x, y, outer, n, inner, false);
      return y;
    },
    logSoftmax(x, outer, n, inner) {
      const y = uninit(x.length);
      a.softmax(x, y, outer, n, inner, true);
      return y;
    },
    softmaxGrad(dy, y, outer, n, inner) {
      const dx = uninit(dy.length);
      a.softmaxGrad(dy, y, dx, outer, n, inner, false);
      return dx;
    },
    logSoftmaxGrad(dy, y, outer, n, inner) {
      const dx = uninit(dy.length);
      a.softmaxGrad(dy, y, dx, outer, n, inner, true);
      return dx;
    },
    softmaxCrossEntropy(logits, labels, rows, classes) {
      const loss = uninit(rows), dlogits = uninit(logits.length);
      a.softmaxCrossEntropy(logits, labels, loss, dlogits, rows, classes);
      return { loss, dlogits };
    },
    sparseSoftmaxCrossEntropy(logits, labels, rows, classes) {
      const loss = uninit(rows), dlogits = uninit(logits.length);
      const bad = a.sparseSoftmaxCrossEntropy(logits, labels, loss, dlogits, rows, classes);
      if (bad >= 0) throw new RangeError(`sparseSoftmaxCrossEntropy: label ${labels[bad]} at row ${bad} is outside [0, ${classes})`);
      return { loss, dlogits };
    },
    sigmoidCrossEntropy(logits, labels) {
      const loss = uninit(logits.length), dlogits = uninit(logits.length);
      a.sigmoidCrossEntropy(logits, labels, loss, dlogits);
      return { loss, dlogits };
    },
    sgdUpdate(p, g, vel, lr, momentum, nesterov) { a.sgdUpdate(p, g, vel, lr, momentum, nesterov); },
    rmspropUpdate(p, g, ms, mom, lr, rho, momentum, eps) { a.rmspropUpdate(p, g, ms, mom, lr, rho, momentum, eps); },
    adamUpdate(p, g, m, v, lr, b1, b2, eps, step, wd) { a.adamUpdate(p, g, m, v, lr, b1, b2, eps, step, wd); },
    rnnForward(spec, x, W, R, bias, h0, c0, mask, recMask) {
      const n = spec.batch * spec.steps * spec.units;
      const hs = uninit(n);
      const cs = spec.kind === "lstm" ? uninit(n) : null;
      const cache = spec.kind === "simple" ? null : uninit(4 * n);
      a.rnnForward(rnnSpecArray(spec), x, W, R, bias, h0, c0, mask, recMask, hs, cs, cache);
      return { hs, cs, cache };
    },
    rnnBackward(spec, dhs, dcT, x, W, R, bias, h0, c0, mask, recMask, saved) {
      const dx = uninit(x.length), dW = uninit(W.length), dR = uninit(R.length);
      const db = bias ? uninit(bias.length) : null;
      const dh0 = uninit(h0.length), dc0 = c0 ? uninit(c0.length) : null;
      a.rnnBackward(rnnSpecArray(spec), dhs, dcT, x, W, R, h0, c0, mask, recMask, saved.hs, saved.cs, saved.cache, dx, dW, dR, db, dh0, dc0);
      return { dx, dW, dR, db, dh0, dc0 };
    },
  };
}

registerBackend("native", () => makeNativeKernels(loadAddon()), 2);
