/** Matrix product with optional transposes and broadcast batch dimensions. */
import { PRECISIONS, type Precision } from "../backends/kernels.js";
import { broadcastShapes, shapeToString } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { sumTo } from "./broadcast.js";
import { asFloat, backend, f32, record } from "./core.js";

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** "bfloat16": mixed precision, the product and its gradients on operands rounded to bfloat16, float32 sums. */
  precision?: Precision;
}

/** a[..., m, k] x b[..., k, n] (after the optional transposes of the last two axes). */
export function matMul(x: Tensor, w: Tensor, options: MatMulOptions = {}): Tensor<"float32"> {
  assertTensor(x, "matMul", "first input");
  assertTensor(w, "matMul", "second input");
  const a = asFloat(x, "matMul", "first input"),
    b = asFloat(w, "matMul", "second input");
  const transA = options.transposeA ?? false,
    transB = options.transposeB ?? false;
  const precision = options.precision ?? "float32";
  if (!PRECISIONS.includes(precision)) throw new RangeError(`matMul: precision must be ${PRECISIONS.join(" or ")}, got '${String(precision)}'`);
  if (a.rank < 2 || b.rank < 2) {
    throw new RangeError(`matMul: inputs must have rank >= 2, got ${shapeToString(a.shape)} x ${shapeToString(b.shape)}`);
  }
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transA ? ac : ar,
    k = transA ? ar : ac;
  const k2 = transB ? bc : br,
    n = transB ? br : bc;
  if (k !== k2) {
    const t = (x: boolean) => (x ? "^T" : "");
    throw new RangeError(`matMul: inner dimensions differ: ${shapeToString(a.shape)}${t(transA)} x ${shapeToString(b.shape)}${t(transB)}`);
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), "matMul (batch dimensions)");
  const outShape = [...batch, m, n];
  const y = f32(backend().matMul(a.values, a.shape, b.values, b.shape, transA, transB, outShape, precision), outShape);
  return record("matMul", [a, b], y, (dy, needs) => {
    const gradA = (): Tensor<"float32"> => {
      if (!transA) return matMul(dy, b, { transposeB: !transB, precision });
      return transB ? matMul(b, dy, { transposeA: true, transposeB: true, precision }) : matMul(b, dy, { transposeB: true, precision });
    };
    const gradB = (): Tensor<"float32"> => {
      if (!transB) return matMul(a, dy, { transposeA: !transA, precision });
      return transA ? matMul(dy, a, { transposeA: true, transposeB: true, precision }) : matMul(dy, a, { transposeA: true, precision });
    };
    return [needs[0] ? sumTo(gradA(), a.shape) : null, needs[1] ? sumTo(gradB(), b.shape) : null];
  });
}
