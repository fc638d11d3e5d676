/**
 * The native backend: the C++ addon's kernels (build/Release/kerno.node, built by node-gyp at
 * install) for float32 data, and the TypeScript kernels for what the addon does not cover
 * (int32 and bool data, data movement other than transpose, resizing). Outputs are allocated
 * here and filled in place by the addon.
 */

import { bufferPool } from "../../tensor/buffer-pool.js";
import { allocate } from "../../tensor/dtype.js";
import { type Shape, sizeOf, stridesOf } from "../../tensor/shape.js";
import { broadcastStrides } from "../js/elementwise.js";
import { jsKernels } from "../js/index.js";
import {
  BINARY_OPS,
  type Conv2dGeometry,
  FILL_MODES,
  FUSED_ACTIVATIONS,
  INTERPOLATIONS,
  isComparison,
  type Kernels,
  opCode,
  type Pool2dGeometry,
  type Precision,
  REDUCE_OPS,
  RNN_KINDS,
  type RnnSpec,
  UNARY_OPS,
} from "../kernels.js";
import { registerBackend } from "../registry.js";
import { type Addon, loadAddon } from "./addon.js";
import { intArg } from "./int-args.js";

export { type Addon, addonPath, loadAddon } from "./addon.js";

function convGeometry(g: Conv2dGeometry): Int32Array {
  return intArg(0, [g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft]);
}

/** slot: the argument slot (1 beside a convolution's geometry, int-args.ts). */
function poolGeometry(g: Pool2dGeometry, slot = 0): Int32Array {
  return intArg(slot, [g.batch, g.inH, g.inW, g.channels, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft]);
}

export function rnnSpecArray(s: RnnSpec): Int32Array {
  return intArg(0, [
    opCode(RNN_KINDS, s.kind),
    s.batch,
    s.steps,
    s.features,
    s.units,
    opCode(FUSED_ACTIVATIONS, s.activation),
    opCode(FUSED_ACTIVATIONS, s.recurrentActivation),
  ]);
}

/** Offsets (in elements) of each batch matrix of a [..., r, c] operand broadcast to `batchShape`, in argument slot `slot`. */
function batchOffsets(shape: Shape, batchShape: Shape, slot: number): Int32Array {
  const count = sizeOf(batchShape);
  if (count === 1) return intArg(slot, [0]);
  const mat = shape[shape.length - 2] * shape[shape.length - 1];
  const strides = broadcastStrides(shape.slice(0, -2), batchShape);
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
  return count > 16 ? out : intArg(slot, out);
}

const isF32 = (x: unknown): x is Float32Array => x instanceof Float32Array;

// Zero-size problems (an empty batch, no channels, a 0-wide matrix) go to the TypeScript kernels,
// which handle every edge; the native ones assume work to do.
const hasZero = (shape: Shape) => shape.some((d) => d === 0);
const emptyConv = (g: Conv2dGeometry) => g.batch * g.inH * g.inW * g.inC * g.outH * g.outW * g.outC * g.kH * g.kW === 0;
const emptyPool = (g: Pool2dGeometry) => g.batch * g.inH * g.inW * g.channels * g.outH * g.outW === 0;

/**
 * An output array for a kernel that writes every element. Large ones skip V8's zero fill (a
 * calloc, then a page fault per 4 KB on first touch) and come from the buffer pool, recycled
 * while still in cache when a graph run released one of that size.
 */
function uninit(n: number): Float32Array {
  return n < POOLED_FROM ? allocate("float32", n) : bufferPool.take(n);
}

// Below 256 KB, V8's own zero-filled arrays are cheaper than a pooled one's bookkeeping.
const POOLED_FROM = 65536;

export function makeNativeKernels(a: Addon): Kernels {
  const js = jsKernels;
  const info = a.info();
  // the addon checks the CPU too; this names the op and the way out
  const bf16 = (precision: Precision): boolean => {
    if (precision === "float32") return false;
    if (!info.bf16) {
      throw new RangeError(
        `bfloat16 products need a CPU with AVX512_BF16 (this one runs ${info.isa} without it): use the float32 policy, or the js backend, which emulates them`,
      );
    }
    return true;
  };
  return {
    ...js,
    name: "native",
    bfloat16: info.bf16,
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
      a.binary(
        opCode(BINARY_OPS, op),
        x,
        intArg(0, broadcastStrides(xShape, outShape)),
        y,
        intArg(1, broadcastStrides(yShape, outShape)),
        out,
        intArg(2, outShape),
        cmp,
      );
      return out;
    },
    biasActivation(x, bias, act, scale = null) {
      const y = uninit(x.length);
      if (x.length > 0) a.biasActivation(x, bias, y, bias?.length ?? scale?.length ?? 1, opCode(FUSED_ACTIVATIONS, act), scale);
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
      if (n === 0 || outer * inner === 0) return js.argReduce(op, x, outer, n, inner);
      const y = new Int32Array(outer * inner);
      a.argReduce(op === "argmax", x, y, outer, n, inner);
      return y;
    },
    transpose(x, shape, perm) {
      if (!isF32(x) || shape.length > 16) return js.transpose(x, shape, perm);
      const strides = stridesOf(shape);
      const y = uninit(x.length);
      const outShape = perm.map((p) => shape[p]),
        srcStrides = perm.map((p) => strides[p]);
      a.transpose(x, y, intArg(0, outShape), intArg(1, srcStrides));
      return y;
    },
    matMul(x, xShape, y, yShape, transA, transB, outShape, precision = "float32") {
      if (hasZero(outShape) || hasZero(xShape) || hasZero(yShape)) return js.matMul(x, xShape, y, yShape, transA, transB, outShape, precision);
      const r = outShape.length;
      const m = outShape[r - 2],
        n = outShape[r - 1];
      const k = transA ? xShape[xShape.length - 2] : xShape[xShape.length - 1];
      const batch = outShape.slice(0, -2);
      const out = uninit(sizeOf(outShape));
      a.matMul(x, y, out, batchOffsets(xShape, batch, 0), batchOffsets(yShape, batch, 1), m, n, k, transA, transB, bf16(precision));
      return out;
    },
    conv2d(x, w, g, bias, act, precision = "float32") {
      if (emptyConv(g)) return js.conv2d(x, w, g, bias, act, precision);
      const y = uninit(g.batch * g.outH * g.outW * g.outC);
      a.conv2d(x, w, y, convGeometry(g), bias, opCode(FUSED_ACTIVATIONS, act), bf16(precision));
      return y;
    },
    conv2dMaxPool(x, w, g, bias, act, pool, precision = "float32") {
      if (emptyConv(g) || emptyPool(pool)) return js.conv2dMaxPool(x, w, g, bias, act, pool, precision);
      const y = uninit(pool.batch * pool.outH * pool.outW * pool.channels);
      a.conv2dMaxPool(x, w, y, convGeometry(g), bias, opCode(FUSED_ACTIVATIONS, act), poolGeometry(pool, 1), bf16(precision));
      return y;
    },
    conv2dBackpropInput(dy, w, g, precision = "float32") {
      if (emptyConv(g)) return js.conv2dBackpropInput(dy, w, g, precision);
      const dx = uninit(g.batch * g.inH * g.inW * g.inC);
      a.conv2dBackpropInput(dy, w, dx, convGeometry(g), bf16(precision));
      return dx;
    },
    conv2dBackpropFilter(x, dy, g, precision = "float32") {
      if (emptyConv(g)) return js.conv2dBackpropFilter(x, dy, g, precision);
      const dw = uninit(g.kH * g.kW * g.inC * g.outC);
      a.conv2dBackpropFilter(x, dy, dw, convGeometry(g), bf16(precision));
      return dw;
    },
    depthwiseConv2d(x, w, g, bias, act) {
      if (emptyConv(g)) return js.depthwiseConv2d(x, w, g, bias, act);
      const y = uninit(g.batch * g.outH * g.outW * g.outC);
      a.depthwiseConv2d(x, w, y, convGeometry(g), bias, opCode(FUSED_ACTIVATIONS, act));
      return y;
    },
    depthwiseConv2dBackpropInput(dy, w, g) {
      if (emptyConv(g)) return js.depthwiseConv2dBackpropInput(dy, w, g);
      const dx = uninit(g.batch * g.inH * g.inW * g.inC);
      a.depthwiseConv2dBackpropInput(dy, w, dx, convGeometry(g));
      return dx;
    },
    depthwiseConv2dBackpropFilter(x, dy, g) {
      if (emptyConv(g)) return js.depthwiseConv2dBackpropFilter(x, dy, g);
      const dw = uninit(g.kH * g.kW * g.outC);
      a.depthwiseConv2dBackpropFilter(x, dy, dw, convGeometry(g));
      return dw;
    },
    maxPool2d(x, g) {
      if (emptyPool(g)) return js.maxPool2d(x, g);
      const y = uninit(g.batch * g.outH * g.outW * g.channels);
      a.maxPool2d(x, y, poolGeometry(g));
      return y;
    },
    maxPool2dGrad(dy, x, g) {
      if (emptyPool(g)) return js.maxPool2dGrad(dy, x, g);
      const dx = uninit(x.length);
      a.maxPool2dGrad(dy, x, dx, poolGeometry(g));
      return dx;
    },
    maxPool2dReluGrad(dy, x, g) {
      if (emptyPool(g)) return js.maxPool2dReluGrad(dy, x, g);
      const dz = uninit(x.length);
      const db = uninit(g.channels);
      a.maxPool2dReluGrad(dy, x, dz, db, poolGeometry(g));
      return { dz, db };
    },
    avgPool2d(x, g) {
      if (emptyPool(g)) return js.avgPool2d(x, g);
      const y = uninit(g.batch * g.outH * g.outW * g.channels);
      a.avgPool2d(x, y, poolGeometry(g));
      return y;
    },
    avgPool2dGrad(dy, g) {
      if (emptyPool(g)) return js.avgPool2dGrad(dy, g);
      const dx = uninit(g.batch * g.inH * g.inW * g.channels);
      a.avgPool2dGrad(dy, dx, poolGeometry(g));
      return dx;
    },
    softmax(x, outer, n, inner) {
      if (outer * n * inner === 0) return js.softmax(x, outer, n, inner);
      const y = uninit(x.length);
      a.softmax(x, y, outer, n, inner, false);
      return y;
    },
    logSoftmax(x, outer, n, inner) {
      if (outer * n * inner === 0) return js.logSoftmax(x, outer, n, inner);
      const y = uninit(x.length);
      a.softmax(x, y, outer, n, inner, true);
      return y;
    },
    softmaxGrad(dy, y, outer, n, inner) {
      if (outer * n * inner === 0) return js.softmaxGrad(dy, y, outer, n, inner);
      const dx = uninit(dy.length);
      a.softmaxGrad(dy, y, dx, outer, n, inner, false);
      return dx;
    },
    logSoftmaxGrad(dy, y, outer, n, inner) {
      if (outer * n * inner === 0) return js.logSoftmaxGrad(dy, y, outer, n, inner);
      const dx = uninit(dy.length);
      a.softmaxGrad(dy, y, dx, outer, n, inner, true);
      return dx;
    },
    softmaxCrossEntropy(logits, labels, rows, classes) {
      if (rows * classes === 0) return js.softmaxCrossEntropy(logits, labels, rows, classes);
      const loss = uninit(rows),
        dlogits = uninit(logits.length);
      a.softmaxCrossEntropy(logits, labels, loss, dlogits, rows, classes);
      return { loss, dlogits };
    },
    sparseSoftmaxCrossEntropy(logits, labels, rows, classes) {
      if (rows * classes === 0) return js.sparseSoftmaxCrossEntropy(logits, labels, rows, classes);
      const loss = uninit(rows),
        dlogits = uninit(logits.length);
      const bad = a.sparseSoftmaxCrossEntropy(logits, labels, loss, dlogits, rows, classes);
      if (bad >= 0) throw new RangeError(`sparseSoftmaxCrossEntropy: label ${labels[bad]} at row ${bad} is outside [0, ${classes})`);
      return { loss, dlogits };
    },
    sigmoidCrossEntropy(logits, labels) {
      const loss = uninit(logits.length),
        dlogits = uninit(logits.length);
      a.sigmoidCrossEntropy(logits, labels, loss, dlogits);
      return { loss, dlogits };
    },
    sgdUpdate(p, g, vel, lr, momentum, nesterov) {
      a.sgdUpdate(p, g, vel, lr, momentum, nesterov);
    },
    rmspropUpdate(p, g, ms, mom, lr, rho, momentum, eps) {
      a.rmspropUpdate(p, g, ms, mom, lr, rho, momentum, eps);
    },
    adamUpdate(p, g, m, v, lr, b1, b2, eps, step, wd) {
      a.adamUpdate(p, g, m, v, lr, b1, b2, eps, step, wd);
    },
    imageTransform(x, transforms, g) {
      const y = uninit(g.batch * g.outH * g.outW * g.channels);
      const geometry = intArg(0, [g.batch, g.inH, g.inW, g.channels, g.outH, g.outW, opCode(FILL_MODES, g.fillMode), opCode(INTERPOLATIONS, g.interpolation)]);
      if (y.length > 0) a.imageTransform(x, transforms, y, geometry, g.fillValue);
      return y;
    },
    rnnForward(spec, x, W, R, bias, h0, c0, mask, recMask) {
      if (spec.batch * spec.steps === 0) return js.rnnForward(spec, x, W, R, bias, h0, c0, mask, recMask);
      const n = spec.batch * spec.steps * spec.units;
      const hs = uninit(n);
      const cs = spec.kind === "lstm" ? uninit(n) : null;
      const cache = spec.kind === "simple" ? null : uninit(4 * n);
      a.rnnForward(rnnSpecArray(spec), x, W, R, bias, h0, c0, mask, recMask, hs, cs, cache);
      return { hs, cs, cache };
    },
    rnnBackward(spec, dhs, dcT, x, W, R, bias, h0, c0, mask, recMask, saved) {
      if (spec.batch * spec.steps === 0) return js.rnnBackward(spec, dhs, dcT, x, W, R, bias, h0, c0, mask, recMask, saved);
      const dx = uninit(x.length),
        dW = uninit(W.length),
        dR = uninit(R.length);
      const db = bias ? uninit(bias.length) : null;
      const dh0 = uninit(h0.length),
        dc0 = c0 ? uninit(c0.length) : null;
      a.rnnBackward(rnnSpecArray(spec), dhs, dcT, x, W, R, h0, c0, mask, recMask, saved.hs, saved.cs, saved.cache, dx, dW, dR, db, dh0, dc0);
      return { dx, dW, dR, db, dh0, dc0 };
    },
  };
}

registerBackend("native", () => makeNativeKernels(loadAddon()), 2);
