/** A convolution followed by a max pool, as one op. */
import type { Conv2dGeometry, Pool2dGeometry } from "../backends/kernels.js";
import { bufferPool } from "../tensor/buffer-pool.js";
import { isDeviceBackend } from "../tensor/device.js";
import { activeTape } from "../tensor/tape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type Conv2dOptions, type ConvOperands, conv2dForward, conv2dGradients, conv2dOperands } from "./conv.js";
import { backend, f32, record } from "./core.js";
import { type Pool2dOptions, pool2dGeometry } from "./pool.js";

/**
 * maxPool2d(conv2d(x, kernel, conv), pool) as one op: the graph runner's rewrite of a Conv2D that
 * only a MaxPooling2D reads (src/models/rewrites.ts). It is one kernel that pools the
 * convolution's output band by band while it is in cache, so the full-size output is never kept.
 * Under a tape the kernel also gives each pooled value's window cell (a byte), and the backward
 * pass takes the activation's gradient on the pooled values, routes it to those cells, and takes
 * the convolution's two gradients: a step holds the pooled output and a byte per pooled value
 * where it held the convolution's output (cats-vs-dogs' first layer: 130 MB).
 */
export function conv2dMaxPool(x: Tensor, kernel: Tensor, conv: Conv2dOptions = {}, pool: Pool2dOptions = {}): Tensor<"float32"> {
  const tape = activeTape();
  const operands = conv2dOperands(x, kernel, conv);
  const { xv, wv, g, bv, act, precision } = operands;
  const p = pool2dGeometry([g.batch, g.outH, g.outW, g.outC], pool, "conv2dMaxPool");
  const shape = [p.batch, p.outH, p.outW, p.channels];
  const k = backend();
  if (tape === null || ![x, kernel, conv.bias].some((t) => t?.tape === tape)) return f32(k.conv2dMaxPool(xv, wv, g, bv, act, p, precision), shape);
  if (p.kH * p.kW > MAX_WINDOW_CELLS) return recordedTwoKernels(x, kernel, conv, p);
  const { y, argmax } = k.conv2dMaxPoolArgmax(xv, wv, g, bv, act, p, precision);
  const c = conv2dGradients(x, kernel, operands);
  const slices = isDeviceBackend(k.name) ? 1 : backwardSlices(g);
  const backward = (dp: Tensor<"float32">, needs: readonly boolean[]) => {
    let pooled = dp.values;
    let db: Float32Array | null = null;
    if (c.act !== "linear" || c.biasChannels > 0) ({ dz: pooled, db } = k.biasActivationGrad(dp.values, y, c.act, c.biasChannels));
    const biasGrad = c.biasChannels > 0 ? [f32(db!, [g.outC])] : [];
    let grads: (Tensor<"float32"> | null)[];
    // the bias's gradient alone needs nothing routed
    if (!needs[0] && !needs[1]) grads = [null, null, ...biasGrad];
    else if (slices > 1) {
      const [dx, dw] = slicedGradients(operands, p, pooled, argmax, needs, slices);
      grads = [dx && f32(dx, x.shape), dw && f32(dw, kernel.shape), ...biasGrad];
    } else {
      const dz = k.maxPool2dArgmaxGrad(pooled, argmax, p);
      grads = c.fromPreActivation(dz, db, needs);
      // dz is this node's own: nothing else reads it once the convolution's gradients are taken
      bufferPool.give(dz);
    }
    if (pooled !== dp.values) bufferPool.give(pooled);
    return grads;
  };
  return record("conv2dMaxPool", c.inputs, f32(y, shape), backward);
}

/**
 * The most bytes of the convolution's output gradient the backward pass holds at once: beyond
 * it, the batch's images go through in slices (cats-vs-dogs' first layer at batch 32: 124 MiB,
 * as 8 slices of 4 images). 16 MiB against 32 MiB: a 4-epoch run's peak 957 -> 893 MB, at the
 * same speed.
 */
const SLICE_BYTES = 16 * 2 ** 20;

function backwardSlices(g: Conv2dGeometry): number {
  return Math.min(g.batch, Math.ceil((4 * g.batch * g.outH * g.outW * g.outC) / SLICE_BYTES));
}

/**
 * The convolution's input and kernel gradients from the pooled gradient, slice by slice of the
 * batch's images: each slice's output gradient is routed from the argmax, used and given back,
 * the kernel's gradients summed. A CPU backend's arrays only (their slices are views).
 */
function slicedGradients(
  operands: ConvOperands,
  p: Pool2dGeometry,
  pooled: Float32Array,
  argmax: Uint8Array,
  needs: readonly boolean[],
  slices: number,
): [Float32Array | null, Float32Array | null] {
  const { xv, wv, g, precision } = operands;
  const k = backend();
  const per = Math.ceil(g.batch / slices);
  const inImage = g.inH * g.inW * g.inC,
    poolImage = p.outH * p.outW * p.channels;
  const dx = needs[0] ? bufferPool.take(xv.length) : null;
  let dw: Float32Array | null = null;
  for (let n0 = 0; n0 < g.batch; n0 += per) {
    const n1 = Math.min(g.batch, n0 + per);
    const gs = { ...g, batch: n1 - n0 },
      ps = { ...p, batch: n1 - n0 };
    const dz = k.maxPool2dArgmaxGrad(pooled.subarray(n0 * poolImage, n1 * poolImage), argmax.subarray(n0 * poolImage, n1 * poolImage), ps);
    if (dx) {
      const part = k.conv2dBackpropInput(dz, wv, gs, precision);
      dx.set(part, n0 * inImage);
      bufferPool.give(part);
    }
    if (needs[1]) {
      const part = k.conv2dBackpropFilter(xv.subarray(n0 * inImage, n1 * inImage), dz, gs, precision);
      if (dw === null) dw = part;
      else {
        for (let i = 0; i < dw.length; i++) dw[i] += part[i];
        bufferPool.give(part);
      }
    }
    bufferPool.give(dz);
  }
  return [dx, dw];
}

/** The most cells a pooling window may have for its argmax to fit a byte (255 means none). */
const MAX_WINDOW_CELLS = 255;

/**
 * Windows too large for a byte's argmax: the convolution and the pool as two kernels under one
 * node, whose backward routes the pool's gradient to the window maxima and through the
 * activation in one pass (for relu, one kernel that also sums the bias's gradient).
 */
function recordedTwoKernels(x: Tensor, kernel: Tensor, conv: Conv2dOptions, p: Pool2dGeometry): Tensor<"float32"> {
  const c = conv2dForward(x, kernel, conv);
  const yv = c.y.values;
  const out = f32(backend().maxPool2d(yv, p), [p.batch, p.outH, p.outW, p.channels]);
  const backward = (dp: Tensor<"float32">, needs: readonly boolean[]) => {
    const k = backend();
    let dz: Float32Array;
    let db: Float32Array | null = null;
    if (c.act === "relu") ({ dz, db } = k.maxPool2dReluGrad(dp.values, yv, p));
    else {
      const dy = k.maxPool2dGrad(dp.values, yv, p);
      if (c.act === "linear" && c.biasChannels === 0) dz = dy;
      else {
        ({ dz, db } = k.biasActivationGrad(dy, yv, c.act, c.biasChannels));
        bufferPool.give(dy);
      }
    }
    const grads = c.fromPreActivation(dz, db, needs);
    // dz is this node's own: nothing else reads it once the convolution's gradients are taken
    bufferPool.give(dz);
    return grads;
  };
  return record("conv2dMaxPool", c.inputs, out, backward, [c.y]);
}
