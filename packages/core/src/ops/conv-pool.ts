/** A convolution followed by a max pool, as one kernel where nothing records gradients. */
import { activeTape } from "../tensor/tape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type Conv2dOptions, conv2d, conv2dOperands } from "./conv.js";
import { backend, f32 } from "./core.js";
import { maxPool2d, type Pool2dOptions, pool2dGeometry } from "./pool.js";

/**
 * maxPool2d(conv2d(x, kernel, conv), pool). With no tape watching its inputs (inference) it is one
 * kernel that pools the convolution's output band by band while it is in cache: the graph runner
 * uses it for a Conv2D that only a MaxPooling2D reads (src/models/fusion.ts). Under a tape it is
 * the two ops, with their gradients.
 */
export function conv2dMaxPool(x: Tensor, kernel: Tensor, conv: Conv2dOptions = {}, pool: Pool2dOptions = {}): Tensor<"float32"> {
  const tape = activeTape();
  if (tape !== null && [x, kernel, conv.bias].some((t) => t?.tape === tape)) return maxPool2d(conv2d(x, kernel, conv), pool);
  const { xv, wv, g, bv, act, precision } = conv2dOperands(x, kernel, conv);
  const p = pool2dGeometry([g.batch, g.outH, g.outW, g.outC], pool, "conv2dMaxPool");
  return f32(backend().conv2dMaxPool(xv, wv, g, bv, act, p, precision), [p.batch, p.outH, p.outW, p.channels]);
}
