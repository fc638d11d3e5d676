/** The TypeScript reference backend: every kernel, in plain TypeScript, usable in a browser. */
import type { Kernels } from "../kernels.js";
import * as conv from "./conv.js";
import * as depthwise from "./depthwise.js";
import * as elementwise from "./elementwise.js";
import * as linalg from "./linalg.js";
import * as movement from "./movement.js";
import * as optim from "./optim.js";
import * as pool from "./pool.js";
import * as reduce from "./reduce.js";
import * as resize from "./resize.js";
import * as rnn from "./rnn.js";
import * as scan from "./scan.js";
import * as softmax from "./softmax.js";
import * as transform from "./transform.js";
import * as unary from "./unary.js";

export const jsKernels: Kernels = {
  name: "js",
  bfloat16: true,
  unary: unary.unary,
  unaryGrad: unary.unaryGrad,
  binary: elementwise.binary,
  where: elementwise.where,
  cast: elementwise.cast,
  biasActivation: unary.biasActivation,
  biasActivationGrad: unary.biasActivationGrad,
  reduce: reduce.reduce,
  argReduce: reduce.argReduce,
  cumsum: scan.cumsum,
  bincount: scan.bincount,
  bincountWeights: scan.bincountWeights,
  transpose: movement.transpose,
  slice: movement.slice,
  pad: movement.pad,
  concat: movement.concat,
  gather: movement.gather,
  scatterAdd: movement.scatterAdd,
  tile: movement.tile,
  flip: movement.flip,
  matMul: linalg.matMul,
  conv2d: conv.conv2d,
  conv2dMaxPool: (x, w, g, bias, act, p, precision) => pool.maxPool2d(conv.conv2d(x, w, g, bias, act, precision), p),
  conv2dMaxPoolArgmax: (x, w, g, bias, act, p, precision) => pool.maxPool2dArgmax(conv.conv2d(x, w, g, bias, act, precision), p),
  conv2dBackpropInput: conv.conv2dBackpropInput,
  conv2dBackpropFilter: conv.conv2dBackpropFilter,
  depthwiseConv2d: depthwise.depthwiseConv2d,
  depthwiseConv2dBackpropInput: depthwise.depthwiseConv2dBackpropInput,
  depthwiseConv2dBackpropFilter: depthwise.depthwiseConv2dBackpropFilter,
  maxPool2d: pool.maxPool2d,
  maxPool2dGrad: pool.maxPool2dGrad,
  maxPool2dReluGrad: pool.maxPool2dReluGrad,
  maxPool2dArgmaxGrad: pool.maxPool2dArgmaxGrad,
  avgPool2d: pool.avgPool2d,
  avgPool2dGrad: pool.avgPool2dGrad,
  resizeBilinear: resize.resizeBilinear,
  resizeBilinearGrad: resize.resizeBilinearGrad,
  resizeNearest: resize.resizeNearest,
  resizeNearestGrad: resize.resizeNearestGrad,
  resizeBytes: resize.resizeBytes,
  imageTransform: transform.imageTransform,
  imageTransformGrad: transform.imageTransformGrad,
  softmax: softmax.softmax,
  logSoftmax: softmax.logSoftmax,
  softmaxGrad: softmax.softmaxGrad,
  logSoftmaxGrad: softmax.logSoftmaxGrad,
  softmaxCrossEntropy: softmax.softmaxCrossEntropy,
  sparseSoftmaxCrossEntropy: softmax.sparseSoftmaxCrossEntropy,
  sigmoidCrossEntropy: softmax.sigmoidCrossEntropy,
  rnnForward: rnn.rnnForward,
  rnnBackward: rnn.rnnBackward,
  sgdUpdate: optim.sgdUpdate,
  rmspropUpdate: optim.rmspropUpdate,
  adamUpdate: optim.adamUpdate,
};
