/** Activation functions, softmax and log-softmax, and the fused bias + activation op. */
import { FUSED_ACTIVATIONS, type FusedActivation } from "../backends/kernels.js";
import { normalizeAxis, shapeToString, sizeOf } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { mul } from "./arithmetic.js";
import { sum } from "./broadcast.js";
import { assertFloat, backend, f32, record, type TensorOrNumber, unaryOp } from "./core.js";

export const relu = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("relu", x);
/** x for x > 0, alpha * x otherwise (alpha 0.2 as keras.ops.leaky_relu; the LeakyReLU layer uses 0.3). */
export const leakyRelu = (x: TensorOrNumber, alpha = 0.2): Tensor<"float32"> => unaryOp("leakyRelu", x, alpha);
export const elu = (x: TensorOrNumber, alpha = 1): Tensor<"float32"> => unaryOp("elu", x, alpha);
export const selu = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("selu", x);
/** The exact GELU, x * Phi(x), with Phi the normal CDF. */
export const gelu = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("gelu", x);
export const sigmoid = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("sigmoid", x);
export const tanh = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("tanh", x);
/** log(1 + exp(x)), computed without overflow. */
export const softplus = (x: TensorOrNumber): Tensor<"float32"> => unaryOp("softplus", x);

function lineView(x: Tensor, axis: number, who: string): [number, number, number] {
  const a = normalizeAxis(axis, x.rank, who);
  return [sizeOf(x.shape.slice(0, a)), x.shape[a], sizeOf(x.shape.slice(a + 1))];
}

export function softmax(x: Tensor, axis = -1): Tensor<"float32"> {
  assertTensor(x, "softmax");
  const xv = assertFloat(x, "softmax");
  const [o, n, i] = lineView(x, axis, "softmax");
  const y = f32(backend().softmax(xv, o, n, i), x.shape);
  return record("softmax", [x], y, (dy) => [f32(backend().softmaxGrad(dy.values, y.values, o, n, i), x.shape)]);
}

export function logSoftmax(x: Tensor, axis = -1): Tensor<"float32"> {
  assertTensor(x, "logSoftmax");
  const xv = assertFloat(x, "logSoftmax");
  const [o, n, i] = lineView(x, axis, "logSoftmax");
  const y = f32(backend().logSoftmax(xv, o, n, i), x.shape);
  return record("logSoftmax", [x], y, (dy) => [f32(backend().logSoftmaxGrad(dy.values, y.values, o, n, i), x.shape)]);
}

/**
 * x * scale + shift in one pass, scale and shift along the last axis: batch normalization's
 * affine step, which as a multiply and then an add wrote a whole intermediate the size of x.
 */
export function scaleShift(x: Tensor, scale: Tensor, shift: Tensor): Tensor<"float32"> {
  assertTensor(x, "scaleShift");
  const xv = assertFloat(x, "scaleShift");
  const channels = x.shape[x.rank - 1];
  for (const [name, t] of [
    ["scale", scale],
    ["shift", shift],
  ] as const) {
    assertTensor(t, "scaleShift");
    if (t.rank !== 1 || t.shape[0] !== channels) {
      throw new RangeError(`scaleShift: ${name} of shape ${shapeToString(t.shape)} does not match the last axis of ${shapeToString(x.shape)}`);
    }
  }
  const y = f32(backend().biasActivation(xv, assertFloat(shift, "scaleShift", "shift"), "linear", assertFloat(scale, "scaleShift", "scale")), x.shape);
  return record("scaleShift", [x, scale, shift], y, (dy, needs) => {
    const rows = x.shape.slice(0, -1).map((_, i) => i);
    return [needs[0] ? (mul(dy, scale) as Tensor<"float32">) : null, needs[1] ? sum(mul(dy, x), rows) : null, needs[2] ? sum(dy, rows) : null];
  });
}

/**
 * act(x + bias) in one pass, bias along the last axis (null for none). Layers use it after a
 * matrix product or convolution; its gradient needs only the output.
 */
export function biasActivation(x: Tensor, bias: Tensor | null, act: FusedActivation = "linear"): Tensor<"float32"> {
  assertTensor(x, "biasActivation");
  const xv = assertFloat(x, "biasActivation");
  if (!FUSED_ACTIVATIONS.includes(act)) throw new RangeError(`biasActivation: unsupported activation '${act}'; use ${FUSED_ACTIVATIONS.join(", ")}`);
  const channels = x.shape[x.rank - 1];
  if (bias && (bias.rank !== 1 || bias.shape[0] !== channels)) {
    throw new RangeError(`biasActivation: bias of shape ${shapeToString(bias.shape)} does not match the last axis of ${shapeToString(x.shape)}`);
  }
  const y = f32(backend().biasActivation(xv, bias ? assertFloat(bias, "biasActivation", "bias") : null, act), x.shape);
  const inputs = bias ? [x, bias] : [x];
  return record("biasActivation", inputs, y, (dy) => {
    const { dz, db } = backend().biasActivationGrad(dy.values, y.values, act, bias ? channels : 0);
    return bias ? [f32(dz, x.shape), f32(db!, bias.shape)] : [f32(dz, x.shape)];
  });
}
