/** Elementwise maps, reductions and data movement: their methods' declarations in the kernel table. */
import type { KernelSection } from "./types.js";

/** A reduction's [outer, n, inner] view of its input. */
const view = { outer: "number", n: "number", inner: "number" };

export const ARRAY_METHODS: KernelSection[] = [
  {
    comment: "elementwise",
    methods: {
      unary: { params: { op: "UnaryOp", x: "F32", alpha: "number" }, returns: "F32" },
      unaryGrad: {
        doc: "d(op)/dx times dy; `y` is the forward output (cheaper for sigmoid, tanh, exp, ...).",
        params: { op: "UnaryOp", dy: "F32", x: "F32", y: "F32", alpha: "number" },
        returns: "F32",
      },
      binary: {
        doc: "Broadcasting binary op; inputs share one dtype; comparisons return bool (Uint8Array).",
        params: { op: "BinaryOp", a: "TypedArray", aShape: "Shape", b: "TypedArray", bShape: "Shape", outShape: "Shape" },
        returns: "TypedArray",
      },
      where: {
        doc: "Broadcasting select: cond ? a : b.",
        params: { cond: "Uint8Array", condShape: "Shape", a: "TypedArray", aShape: "Shape", b: "TypedArray", bShape: "Shape", outShape: "Shape" },
        returns: "TypedArray",
      },
      cast: { params: { x: "TypedArray", dtype: "DType" }, returns: "TypedArray" },
      biasActivation: {
        doc: "y = act(x * scale + bias), scale and bias broadcast along the last axis (of their length); a null bias adds nothing, a null or absent scale multiplies by 1.",
        params: { x: "F32", bias: "F32 | null", act: "FusedActivation", scale: { type: "F32 | null", default: "null" } },
        returns: "F32",
      },
      biasActivationGrad: {
        doc: "The backward pass of biasActivation in one sweep: dz = dy * act'(z) from y = act(z) alone, and the bias gradient db = sum of dz over all rows of `channels` (null when channels is 0).",
        params: { dy: "F32", y: "F32", act: "FusedActivation", channels: "number" },
        returns: "{ dz: F32; db: F32 | null }",
      },
    },
  },
  {
    comment: "reductions over the middle axis of a [outer, n, inner] view",
    methods: {
      reduce: { params: { op: "ReduceOp", x: "F32", ...view }, returns: "F32" },
      argReduce: { params: { op: '"argmax" | "argmin"', x: "F32", ...view }, returns: "Int32Array" },
      cumsum: {
        doc: "Running sums over the middle axis of a [outer, n, inner] view, from its end when `reverse`.",
        params: { x: "F32", ...view, reverse: "boolean" },
        returns: "F32",
      },
      bincount: {
        doc: "How often each value in [0, length) occurs in x (values outside are not counted), exact in int32.",
        params: { x: "Int32Array", length: "number" },
        returns: "Int32Array",
      },
      bincountWeights: {
        doc: "The sum of the weights of each value in [0, length) of x (values outside are not counted).",
        params: { x: "Int32Array", weights: "F32", length: "number" },
        returns: "F32",
      },
    },
  },
  {
    comment: "data movement (any dtype)",
    methods: {
      transpose: { params: { x: "TypedArray", shape: "Shape", perm: "readonly number[]" }, returns: "TypedArray" },
      slice: { params: { x: "TypedArray", shape: "Shape", begin: "readonly number[]", size: "readonly number[]" }, returns: "TypedArray" },
      pad: { params: { x: "TypedArray", shape: "Shape", paddings: "readonly (readonly [number, number])[]", value: "number" }, returns: "TypedArray" },
      concat: {
        doc: "Concatenates along `axis`; all shapes agree elsewhere.",
        params: { xs: "readonly TypedArray[]", shapes: "readonly Shape[]", axis: "number" },
        returns: "TypedArray",
      },
      gather: {
        doc: "Picks `indices` along `axis` of x.",
        params: { x: "TypedArray", shape: "Shape", indices: "Int32Array", axis: "number" },
        returns: "TypedArray",
      },
      scatterAdd: {
        doc: "The gradient of gather: adds rows of dy into a zero tensor of `shape` at `indices`.",
        params: { dy: "F32", indices: "Int32Array", shape: "Shape", axis: "number" },
        returns: "F32",
      },
      tile: { params: { x: "TypedArray", shape: "Shape", reps: "readonly number[]" }, returns: "TypedArray" },
      flip: { params: { x: "TypedArray", shape: "Shape", axes: "readonly number[]" }, returns: "TypedArray" },
    },
  },
];
