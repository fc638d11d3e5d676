/** Running sums along an axis (keras.ops.cumsum, and TensorFlow's reverse) and counts of values (keras.ops.bincount). */
import { normalizeAxis, sizeOf } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { asFloat, assertFloat, assertInt, assertRank, backend, make, record } from "./core.js";
import { gather, reshape } from "./shape.js";

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

export interface BincountOptions {
  /** One weight per value: the result sums them instead of counting (float32). */
  weights?: Tensor;
  /** The result has at least this many bins. */
  minlength?: number;
}

/**
 * How often each value 0, 1, ... occurs in the non-negative integers x [n]: int32 counts of
 * length max(max(x) + 1, minlength), or with `weights` the float32 sums of the values' weights
 * (keras.ops.bincount). The gradient with respect to the weights is the output's gradient at each
 * value's bin.
 */
export function bincount(x: Tensor, options: BincountOptions = {}): Tensor {
  assertTensor(x, "bincount");
  assertRank(x, 1, "bincount", "[n]");
  const values = assertInt(x, "bincount");
  const minlength = options.minlength ?? 0;
  if (!Number.isInteger(minlength) || minlength < 0) throw new RangeError(`bincount: minlength must be a non-negative integer, got ${minlength}`);
  let length = minlength;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0) throw new RangeError(`bincount: x must be non-negative, got ${values[i]} at index ${i}`);
    length = Math.max(length, values[i] + 1);
  }
  const { weights } = options;
  if (weights === undefined) return make(backend().bincount(values, length), [length], "int32");
  assertTensor(weights, "bincount", "weights");
  if (weights.rank !== 1 || weights.shape[0] !== values.length) {
    throw new RangeError(`bincount: weights must be [${values.length}] (one per value of x), got [${weights.shape.join(",")}]`);
  }
  const y = make(backend().bincountWeights(values, assertFloat(weights, "bincount", "weights"), length), [length], "float32");
  return record("bincount", [weights], y, (dy) => [gather(dy, x, 0) as Tensor<"float32">]);
}
