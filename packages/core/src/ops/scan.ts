/** Running sums along an axis: keras.ops.cumsum (and TensorFlow's reverse). */
import { normalizeAxis, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { asFloat, backend, make, record } from "./core.js";
import { reshape } from "./shape.js";

/**
 * y[..., i, ...] = x[..., 0, ...] + ... + x[..., i, ...] along `axis`; with no axis, over the
 * flattened tensor (as Keras). `reverse` sums from the end. The gradient is the running sum of
 * the output's gradient in the other direction.
 */
export function cumsum(x: Tensor, axis?: number, options: { reverse?: boolean } = {}): Tensor<"float32"> {
  const reverse = options.reverse ?? false;
  if (axis === undefined) return cumsum(reshape(x, [-1]), 0, options);
  const t = asFloat(x, "cumsum");
  const a = normalizeAxis(axis, t.rank, "cumsum");
  const outer = sizeOf(t.shape.slice(0, a)),
    inner = sizeOf(t.shape.slice(a + 1));
  const y = make(backend().cumsum(t.values, outer, t.shape[a], inner, reverse), t.shape, "float32");
  return record("cumsum", [t], y, (dy) => [cumsum(dy, a, { reverse: !reverse })]);
}
