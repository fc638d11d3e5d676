/** kerno: deep learning for TypeScript and Node.js. */
export { Tensor, type NestedArray } from "./tensor/tensor.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export type { Shape } from "./tensor/shape.js";
export {
  tensor, scalar, zeros, ones, fill, zerosLike, onesLike, range, eye, oneHot,
  randomUniform, randomNormal, truncatedNormal, type TensorLike, type RandomOptions,
} from "./tensor/creation.js";
export { setSeed, Random } from "./tensor/random.js";

export * from "./ops/arithmetic.js";
export * from "./ops/math.js";
export * from "./ops/compare.js";
export * from "./ops/activations.js";
export * from "./ops/reduce.js";
export * from "./ops/matmul.js";
export * from "./ops/shape.js";
export * from "./ops/conv.js";
export * from "./ops/pool.js";
export * from "./ops/resize.js";
export * from "./ops/dropout.js";
export * from "./ops/losses.js";
export * from "./ops/rnn.js";

export { grad, valueAndGrad, noGrad, type TensorTree, type ValueAndGrad } from "./autodiff/grad.js";
export { Variable, variable } from "./autodiff/variable.js";

import "./backends/native/index.js";
export { setBackend, getBackend, listBackends, registerBackend, backendNotes } from "./backends/registry.js";
export type { Kernels } from "./backends/kernels.js";
