/** A convolution followed by a max pool, as one op. */
import { bufferPool, isPooled } from "../tensor/buffer-pool.js";
import { activeTape } from "../tensor/tape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type Conv2dOptions, conv2dForward, conv2dOperands } from "./conv.js";
import { backend, f32, record } from "./core.js";
import { type Pool2dOptions, pool2dGeometry } from "./pool.js";

/**
 * maxPool2d(conv2d(x, kernel, conv), pool) as one op: the graph runner's rewrite of a Conv2D that
 * only a MaxPooling2D reads (src/models/rewrites.ts). With no tape watching its inputs
 * (inference) it is one kernel that pools the convolution's output band by band while it is in
 * cache. Under a tape it runs the two kernels and records one node, whose backward routes the
 * pool's gradient to the window maxima and through the activation in one pass (for relu, one
 * kernel that also sums the bias's gradient), then takes the convolution's two gradients.
 */
export function conv2dMaxPool(x: Tensor, kernel: Tensor, conv: Conv2dOptions = {}, pool: Pool2dOptions = {}): Tensor<"float32"> {
  const tape = activeTape();
  if (tape === null || ![x, kernel, conv.bias].some((t) => t?.tape === tape)) {
    const { xv, wv, g, bv, act, precision } = conv2dOperands(x, kernel, conv);
    const p = pool2dGeometry([g.batch, g.outH, g.outW, g.outC], pool, "conv2dMaxPool");
    return f32(backend().conv2dMaxPool(xv, wv, g, bv, act, p, precision), [p.batch, p.outH, p.outW, p.channels]);
  }
  const c = conv2dForward(x, kernel, conv);
  const yv = c.y.values;
  const p = pool2dGeometry(c.y.shape, pool, "conv2dMaxPool");
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
        if (isPooled(dy)) bufferPool.give(dy);
      }
    }
    const grads = c.fromPreActivation(dz, db, needs);
    // dz is this node's own: nothing else reads it once the convolution's gradients are taken
    if (isPooled(dz)) bufferPool.give(dz);
    return grads;
  };
  return record("conv2dMaxPool", c.inputs, out, backward, [c.y]);
}
