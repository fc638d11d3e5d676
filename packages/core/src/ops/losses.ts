/**
 * The numerically stable cores of the classification losses, per example. They take logits
 * (never probabilities) so that log and exp cancel analytically. Labels get no gradient.
 */
import { shapesEqual, shapeToString, sizeOf } from "../tensor/shape.js";
import { assertTensor, type Tensor } from "../tensor/tensor.js";
import { mul } from "./arithmetic.js";
import { assertFloat, assertInt, backend, f32, record } from "./core.js";
import { expandDims } from "./shape.js";

function assertLogits(logits: Tensor, who: string): Float32Array {
  assertTensor(logits, who, "logits");
  if (logits.rank < 1) throw new RangeError(`${who}: logits must have a class axis, got a scalar`);
  return assertFloat(logits, who, "logits");
}

/** -sum(labels * logSoftmax(logits), -1), labels being distributions over the last axis. */
export function softmaxCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor<"float32"> {
  const who = "softmaxCrossEntropyWithLogits";
  const lv = assertLogits(logits, who);
  assertTensor(labels, who, "labels");
  const zv = assertFloat(labels, who, "labels");
  if (!shapesEqual(labels.shape, logits.shape)) {
    throw new RangeError(`${who}: labels ${shapeToString(labels.shape)} and logits ${shapeToString(logits.shape)} must have the same shape`);
  }
  const classes = logits.shape[logits.rank - 1];
  const rows = sizeOf(logits.shape) / Math.max(classes, 1);
  const { loss, dlogits } = backend().softmaxCrossEntropy(lv, zv, rows, classes);
  const y = f32(loss, logits.shape.slice(0, -1));
  return record(who, [logits], y, (dy) => [mul(expandDims(dy, -1), f32(dlogits, logits.shape))]);
}

/** The same with int32 class indices of shape logits.shape[:-1]. */
export function sparseSoftmaxCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor<"float32"> {
  const who = "sparseSoftmaxCrossEntropyWithLogits";
  const lv = assertLogits(logits, who);
  assertTensor(labels, who, "labels");
  const iv = assertInt(labels, who, "labels");
  if (!shapesEqual(labels.shape, logits.shape.slice(0, -1))) {
    throw new RangeError(`${who}: labels ${shapeToString(labels.shape)} must have the shape of logits ${shapeToString(logits.shape)} without its last axis`);
  }
  const classes = logits.shape[logits.rank - 1];
  const { loss, dlogits } = backend().sparseSoftmaxCrossEntropy(lv, iv, labels.size, classes);
  const y = f32(loss, labels.shape);
  return record(who, [logits], y, (dy) => [mul(expandDims(dy, -1), f32(dlogits, logits.shape))]);
}

/** Elementwise binary cross-entropy of sigmoid(logits) against labels in [0, 1]. */
export function sigmoidCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor<"float32"> {
  const who = "sigmoidCrossEntropyWithLogits";
  const lv = assertLogits(logits, who);
  assertTensor(labels, who, "labels");
  const zv = assertFloat(labels, who, "labels");
  if (!shapesEqual(labels.shape, logits.shape)) {
    throw new RangeError(`${who}: labels ${shapeToString(labels.shape)} and logits ${shapeToString(logits.shape)} must have the same shape`);
  }
  const { loss, dlogits } = backend().sigmoidCrossEntropy(lv, zv);
  const y = f32(loss, logits.shape);
  return record(who, [logits], y, (dy) => [mul(dy, f32(dlogits, logits.shape))]);
}
