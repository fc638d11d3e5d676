/** The softmax family and losses, recurrent layers and optimizer updates: their methods' declarations in the kernel table. */
import type { KernelSection } from "./types.js";

/** The softmax family's [outer, n, inner] view of its input. */
const view = { outer: "number", n: "number", inner: "number" };
const lossAndGradient = "{ loss: F32; dlogits: F32 }";
/** A recurrent layer's inputs, weights and initial state, and the masks over its steps and state. */
const sequence = { x: "F32", W: "F32", R: "F32", bias: "F32 | null", h0: "F32", c0: "F32 | null", mask: "F32 | null", recMask: "F32 | null" };

export const TRAINING_METHODS: KernelSection[] = [
  {
    comment: "softmax family over the middle axis of [outer, n, inner]",
    methods: {
      softmax: { params: { x: "F32", ...view }, returns: "F32" },
      logSoftmax: { params: { x: "F32", ...view }, returns: "F32" },
      softmaxGrad: { params: { dy: "F32", y: "F32", ...view }, returns: "F32" },
      logSoftmaxGrad: { params: { dy: "F32", y: "F32", ...view }, returns: "F32" },
      softmaxCrossEntropy: {
        doc: "Per-row -sum(labels * logSoftmax(logits)) over [rows, classes], and d(loss_row)/d(logits).",
        params: { logits: "F32", labels: "F32", rows: "number", classes: "number" },
        returns: lossAndGradient,
      },
      sparseSoftmaxCrossEntropy: {
        doc: "The same with integer class labels; a label outside [0, classes) throws.",
        params: { logits: "F32", labels: "Int32Array", rows: "number", classes: "number" },
        returns: lossAndGradient,
      },
      sigmoidCrossEntropy: {
        doc: "Elementwise max(x,0) - x*z + log(1 + exp(-|x|)), and its gradient sigmoid(x) - z.",
        params: { logits: "F32", labels: "F32" },
        returns: lossAndGradient,
      },
    },
  },
  {
    comment:
      "recurrent layers: one call per sequence; a mask [batch, steps] of 0/1 carries the state over masked steps; recMask [batch, units] (recurrent dropout, scaled) multiplies the state where it enters the recurrent product",
    methods: {
      rnnForward: { params: { spec: "RnnSpec", ...sequence }, returns: "RnnSaved" },
      rnnBackward: {
        doc: "dhs: the gradient of every output h [batch, steps, units]; dcT: of the final cell state (LSTM).",
        params: { spec: "RnnSpec", dhs: "F32", dcT: "F32 | null", ...sequence, saved: "RnnSaved" },
        returns: "RnnGrads",
      },
    },
  },
  {
    comment: "optimizer updates, in place on param and slots",
    methods: {
      sgdUpdate: {
        params: { param: "F32", grad: "F32", velocity: "F32 | null", lr: "number", momentum: "number", nesterov: "boolean" },
        returns: "void",
      },
      rmspropUpdate: {
        params: {
          param: "F32",
          grad: "F32",
          meanSquare: "F32",
          momentumBuffer: "F32 | null",
          lr: "number",
          rho: "number",
          momentum: "number",
          epsilon: "number",
        },
        returns: "void",
      },
      adamUpdate: {
        params: {
          param: "F32",
          grad: "F32",
          m: "F32",
          v: "F32",
          lr: "number",
          beta1: "number",
          beta2: "number",
          epsilon: "number",
          step: "number",
          weightDecay: "number",
        },
        returns: "void",
      },
    },
  },
];
