/** Elementwise maps, reductions, transposition and the softmax family: their entries in the kernel table. */
import { act, type Binding, type BindingArg, f32, flag, float, int, out } from "./types.js";

const outerNInner = [int("outer", 0, "std::size_t"), int("n", 0, "std::size_t"), int("inner", 0, "std::size_t")];
/** logits [rows, classes], labels (distributions or class indices), the per-row loss and the logits' gradient. */
const crossEntropyArgs = (labels: BindingArg): BindingArg[] => [
  f32("logits", "prod(rows, classes)"),
  labels,
  out("loss", "rows"),
  out("dlogits", "prod(rows, classes)"),
  int("rows", 0, "std::size_t"),
  int("classes", 1, "std::size_t"),
];
const crossEntropyOutputs = { loss: "uninit(rows)", dlogits: "uninit(logits.length)" };
/** A shape of up to 16 dimensions and the non-negative sizes it holds. */
const shapeTotal: [string, string, string][] = [
  ["const int", "rank", "static_cast<int>(outShape_len)"],
  ["const std::size_t", "total", "rank <= 16 && non_negative(outShape, rank) ? prod_of(outShape, rank) : 0"],
];

export const ELEMENTWISE: Record<string, Binding> = {
  unary: {
    doc: "y = op(x), elementwise; alpha parameterizes leakyRelu and elu",
    args: [{ kind: "code", name: "op", table: "UNARY" }, f32("x"), out("y", "x_len"), float("alpha")],
    call: { fn: "unary", args: ["op", "x", "y", "x_len", "alpha"] },
    wrap: { outputs: { y: "uninit(x.length)" } },
  },
  unaryGrad: {
    doc: "dx = op'(x) dy, with y = op(x)",
    args: [{ kind: "code", name: "op", table: "UNARY" }, f32("dy"), f32("x", "dy_len"), f32("y", "dy_len"), out("dx", "dy_len"), float("alpha")],
    call: { fn: "unary_grad", args: ["op", "dy", "x", "y", "dx", "dy_len", "alpha"] },
    wrap: { outputs: { dx: "uninit(dy.length)" } },
  },
  binary: {
    doc: "a broadcasting binary op; out has outShape; strides per output axis (0 where broadcast); comparisons write a Uint8Array",
    args: [
      { kind: "code", name: "op", table: "BINARY" },
      f32("a", "total ? reach(outShape, aStrides, rank) : 0"),
      { kind: "i32", name: "aStrides", size: "rank", early: true },
      f32("b", "total ? reach(outShape, bStrides, rank) : 0"),
      { kind: "i32", name: "bStrides", size: "rank", early: true },
      out("out", "total", { when: "!isComparison", ts: "F32 | Uint8Array" }),
      { kind: "i32", name: "outShape", first: true },
      flag("isComparison"),
    ],
    derive: [
      ...shapeTotal,
      // a comparison writes bools: the same argument read as a Uint8Array
      ["uint8_t*", "outBool", 'isComparison ? args_.u8(5, "out", total) : nullptr'],
    ],
    require: [
      ["rank <= 16", "outShape", "has more than 16 dimensions"],
      ["non_negative(outShape, rank) && non_negative(aStrides, rank) && non_negative(bStrides, rank)", "outShape", "and the strides must be non-negative"],
    ],
    call: { fn: "binary", args: ["op", "a", "aStrides", "b", "bStrides", "out", "outBool", "outShape", "rank", "total"] },
    wrap: {
      fallback: "!isF32(a) || !isF32(b)",
      locals: ["const total = sizeOf(outShape)", "const comparison = isComparison(op)"],
      outputs: { out: "comparison ? new Uint8Array(total) : uninit(total)" },
      pass: {
        aStrides: "intArg(0, broadcastStrides(aShape, outShape))",
        bStrides: "intArg(1, broadcastStrides(bShape, outShape))",
        outShape: "intArg(2, outShape)",
        isComparison: "comparison",
      },
    },
  },
  biasActivation: {
    doc: "y = act(x * scale + bias), scale and bias per channel (the last axis); either may be null",
    args: [
      f32("x"),
      f32("bias", "channels", { nullable: true }),
      out("y", "x_len"),
      int("channels", 1, "std::size_t"),
      act,
      f32("scale", "channels", { nullable: true }),
    ],
    require: [["x_len % channels == 0", "x", "length must be a multiple of channels"]],
    call: { fn: "bias_activation", args: ["x", "bias", "scale", "y", "x_len", "channels", "act"] },
    wrap: {
      outputs: { y: "uninit(x.length)" },
      pass: { channels: "bias?.length ?? scale?.length ?? 1" },
      when: "x.length > 0",
    },
  },
  biasActivationGrad: {
    doc: "dz = dy act'(y) from y = act(z), and db = dz summed per channel (when db is given)",
    args: [f32("dy"), f32("y", "dy_len"), out("dz", "dy_len"), out("db", "channels", { nullable: true }), int("channels", 0, "std::size_t"), act],
    require: [["dy_len % (channels ? channels : 1) == 0", "dy", "length must be a multiple of channels"]],
    requireAfter: [["!db || channels > 0", "channels", "must be positive when db is given"]],
    call: { fn: "bias_activation_grad", args: ["dy", "y", "dz", "db", "dy_len", "channels", "act"] },
    wrap: {
      outputs: { dz: "uninit(dy.length)", db: "channels > 0 ? uninit(channels) : null" },
      when: "dy.length > 0",
      returns: "{ dz, db }",
    },
  },
  reduce: {
    doc: "y[o, i] = op over n of x[o, n, i]",
    args: [{ kind: "code", name: "op", table: "REDUCE" }, f32("x", "prod(outer, n, inner)"), out("y", "prod(outer, inner)"), ...outerNInner],
    call: { fn: "reduce", args: ["op", "x", "y", "outer", "n", "inner"] },
    wrap: { outputs: { y: "uninit(outer * inner)" } },
  },
  argReduce: {
    doc: "the index of the max (or min) over n of x[o, n, i]",
    args: [
      flag("isMax"),
      f32("x", "prod(outer, n, inner)"),
      { kind: "i32", name: "y", out: true, size: "prod(outer, inner)" },
      int("outer", 0, "std::size_t"),
      int("n", 1, "std::size_t"),
      int("inner", 0, "std::size_t"),
    ],
    call: { fn: "arg_reduce", args: ["isMax", "x", "y", "outer", "n", "inner"] },
    wrap: {
      fallback: "n === 0 || outer * inner === 0",
      outputs: { y: "new Int32Array(outer * inner)" },
      pass: { isMax: 'op === "argmax"' },
    },
  },
  cumsum: {
    doc: "running sums over n of x[o, n, i], from the end when reverse",
    args: [f32("x", "prod(outer, n, inner)"), out("y", "prod(outer, n, inner)"), ...outerNInner, flag("reverse")],
    call: { fn: "cumsum", args: ["x", "y", "outer", "n", "inner", "reverse"] },
    wrap: { fallback: "outer * n * inner === 0", outputs: { y: "uninit(x.length)" } },
  },
  bincount: {
    doc: "counts of the values of x in [0, length)",
    args: [{ kind: "i32", name: "x", first: true }, { kind: "i32", name: "counts", out: true, size: "length" }, int("length", 0, "std::size_t")],
    call: { fn: "bincount", args: ["x", "x_len", "counts", "length"] },
    wrap: { outputs: { counts: "new Int32Array(length)" } },
  },
  bincountWeights: {
    doc: "summed weights of the values of x in [0, length)",
    args: [{ kind: "i32", name: "x", first: true }, f32("weights", "x_len"), out("sums", "length"), int("length", 0, "std::size_t")],
    call: { fn: "bincount_weights", args: ["x", "x_len", "weights", "sums", "length"] },
    wrap: { outputs: { sums: "new Float32Array(length)" } },
  },
  transpose: {
    doc: "y (outShape) reads x at srcStrides",
    args: [
      f32("x", "total ? reach(outShape, srcStrides, rank) : 0"),
      out("y", "total"),
      { kind: "i32", name: "outShape", first: true },
      { kind: "i32", name: "srcStrides", size: "rank", early: true },
    ],
    derive: shapeTotal,
    require: [
      ["rank >= 1 && rank <= 16", "outShape", "must have 1 to 16 dimensions"],
      ["non_negative(outShape, rank) && non_negative(srcStrides, rank)", "outShape", "and the strides must be non-negative"],
    ],
    call: { fn: "transpose", args: ["x", "y", "outShape", "srcStrides", "rank", "total"] },
    wrap: {
      fallback: "!isF32(x) || shape.length > 16",
      locals: ["const strides = stridesOf(shape)"],
      outputs: { y: "uninit(x.length)" },
      pass: { outShape: "intArg(0, perm.map((p) => shape[p]))", srcStrides: "intArg(1, perm.map((p) => strides[p]))" },
    },
  },
  softmax: {
    doc: "softmax (or log-softmax) over n of x[o, n, i]",
    args: [f32("x", "prod(outer, n, inner)"), out("y", "prod(outer, n, inner)"), ...outerNInner, flag("log")],
    call: { fn: "softmax", args: ["x", "y", "outer", "n", "inner", "log"] },
    wrap: [false, true].map((log) => ({
      method: log ? "logSoftmax" : "softmax",
      fallback: "outer * n * inner === 0",
      outputs: { y: "uninit(x.length)" },
      pass: { log: String(log) },
    })),
  },
  softmaxGrad: {
    doc: "the gradient of softmax (or log-softmax) from its output",
    args: [f32("dy", "prod(outer, n, inner)"), f32("y", "prod(outer, n, inner)"), out("dx", "prod(outer, n, inner)"), ...outerNInner, flag("log")],
    call: { fn: "softmax_grad", args: ["dy", "y", "dx", "outer", "n", "inner", "log"] },
    wrap: [false, true].map((log) => ({
      method: log ? "logSoftmaxGrad" : "softmaxGrad",
      fallback: "outer * n * inner === 0",
      outputs: { dx: "uninit(dy.length)" },
      pass: { log: String(log) },
    })),
  },
  softmaxCrossEntropy: {
    doc: "per-row cross-entropy of softmax(logits) against label distributions, and its gradient",
    args: crossEntropyArgs(f32("labels", "prod(rows, classes)")),
    call: { fn: "softmax_cross_entropy", args: ["logits", "labels", "loss", "dlogits", "rows", "classes"] },
    wrap: { fallback: "rows * classes === 0", outputs: crossEntropyOutputs, returns: "{ loss, dlogits }" },
  },
  sparseSoftmaxCrossEntropy: {
    doc: "the same with integer labels: returns -1, or the first row whose label is out of range",
    args: crossEntropyArgs({ kind: "i32", name: "labels", size: "rows" }),
    call: { fn: "sparse_softmax_cross_entropy", args: ["logits", "labels", "loss", "dlogits", "rows", "classes"], returns: "long" },
    wrap: {
      fallback: "rows * classes === 0",
      outputs: crossEntropyOutputs,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source for the generated wrapper, not a template
      check: "if (result >= 0) throw new RangeError(`sparseSoftmaxCrossEntropy: label ${labels[result]} at row ${result} is outside [0, ${classes})`)",
      returns: "{ loss, dlogits }",
    },
  },
  sigmoidCrossEntropy: {
    doc: "elementwise binary cross-entropy of sigmoid(logits), and its gradient",
    args: [f32("logits"), f32("labels", "logits_len"), out("loss", "logits_len"), out("dlogits", "logits_len")],
    call: { fn: "sigmoid_cross_entropy", args: ["logits", "labels", "loss", "dlogits", "logits_len"] },
    wrap: { outputs: { loss: "uninit(logits.length)", dlogits: "uninit(logits.length)" }, returns: "{ loss, dlogits }" },
  },
};
