/**
 * What the compiled backends' wrappers (wrappers.gen.ts, generated from the kernel table) pass their kernels:
 * geometries and specs as reused Int32Arrays, batch offsets, and output arrays; and when the
 * TypeScript kernels serve a call instead.
 */

import { bufferPool } from "../../tensor/buffer-pool.js";
import { allocate } from "../../tensor/dtype.js";
import { type Shape, sizeOf } from "../../tensor/shape.js";
import { broadcastStrides } from "../js/elementwise.js";
import {
  type ByteResizeGeometry,
  type Conv2dGeometry,
  FILL_MODES,
  FUSED_ACTIVATIONS,
  INTERPOLATIONS,
  opCode,
  type Pool2dGeometry,
  RNN_KINDS,
  type RnnSpec,
  type TransformGeometry,
} from "../kernels.js";
import { intArg } from "./int-args.js";

export function convGeometry(g: Conv2dGeometry): Int32Array {
  return intArg(0, [g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft]);
}

/** slot: the argument slot (1 beside a convolution's geometry, int-args.ts). */
export function poolGeometry(g: Pool2dGeometry, slot = 0): Int32Array {
  return intArg(slot, [g.batch, g.inH, g.inW, g.channels, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft]);
}

export function transformGeometry(g: TransformGeometry): Int32Array {
  return intArg(0, [g.batch, g.inH, g.inW, g.channels, g.outH, g.outW, opCode(FILL_MODES, g.fillMode), opCode(INTERPOLATIONS, g.interpolation)]);
}

export function byteResizeGeometry(g: ByteResizeGeometry): Int32Array {
  return intArg(0, [g.srcH, g.srcW, g.channels, g.top, g.left, g.height, g.width, g.outH, g.outW, g.nearest ? 1 : 0]);
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
export function batchOffsets(shape: Shape, batchShape: Shape, slot: number): Int32Array {
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

export const isF32 = (x: unknown): x is Float32Array => x instanceof Float32Array;

// Zero-size problems (an empty batch, no channels, a 0-wide matrix) go to the TypeScript kernels,
// which handle every edge; the native ones assume work to do.
export const hasZero = (shape: Shape) => shape.some((d) => d === 0);
export const emptyConv = (g: Conv2dGeometry) => g.batch * g.inH * g.inW * g.inC * g.outH * g.outW * g.outC * g.kH * g.kW === 0;
export const emptyPool = (g: Pool2dGeometry) => g.batch * g.inH * g.inW * g.channels * g.outH * g.outW === 0;

/**
 * An output array for a kernel that writes every element. Large ones skip V8's zero fill (a
 * calloc, then a page fault per 4 KB on first touch) and come from the buffer pool, recycled
 * while still in cache when a graph run released one of that size.
 */
export function uninit(n: number): Float32Array {
  return n < POOLED_FROM ? allocate("float32", n) : bufferPool.take(n);
}

// From 16 KB: a recycled step gives every pooled buffer back, while each fresh array adds to
// V8's external memory, whose growth triggers its collections (filter visualization, batch 1:
// 5.3 MB a step of arrays under 256 KB, 32 full collections in 4.3 s; pooling them from 16 KB: 13,
// and 3.8 s). Smaller arrays stay V8's own.
const POOLED_FROM = 4096;
