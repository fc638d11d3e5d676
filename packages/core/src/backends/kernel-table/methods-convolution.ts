/** Products, convolutions, pooling, resizing and image warps: their methods' declarations in the kernel table. */
import type { KernelSection, OptionalParam } from "./types.js";

/** The products' operands: float32 unless the caller asks for bfloat16 (mixed precision). */
const precision: OptionalParam = { type: "Precision", default: '"float32"' };
/** A fused convolution: bias per output channel or null, then act ("linear" for none). */
const convolution = { x: "F32", w: "F32", g: "Conv2dGeometry", bias: "F32 | null", act: "FusedActivation" };

export const CONVOLUTION_METHODS: KernelSection[] = [
  {
    comment: "linear algebra: batched a[...,m,k] x b[...,k,n]; batch dims broadcast",
    methods: {
      matMul: {
        params: { a: "F32", aShape: "Shape", b: "F32", bShape: "Shape", transA: "boolean", transB: "boolean", outShape: "Shape", precision },
        returns: "F32",
      },
    },
  },
  {
    comment: "convolution and pooling, NHWC",
    methods: {
      conv2d: {
        doc: 'act(conv2d(x, w) + bias): bias (per output channel) may be null; "linear" for no activation.',
        params: { ...convolution, precision },
        returns: "F32",
      },
      conv2dMaxPool: {
        doc: "maxPool2d(conv2d(x, w, g, bias, act), pool) in one pass (pool.in* = g.out*): inference of a Conv2D that only a MaxPooling2D reads, without writing the convolution's output in full.",
        params: { ...convolution, pool: "Pool2dGeometry", precision },
        returns: "F32",
      },
      conv2dMaxPoolArgmax: {
        doc: "conv2dMaxPool, and for each pooled value the cell of its window that holds it (row-major over the kH x kW window, the first of equal maxima; 255 where none does): training's pooled convolution keeps this byte instead of the convolution's output. Needs pool.kH * pool.kW <= 255.",
        params: { ...convolution, pool: "Pool2dGeometry", precision },
        returns: "{ y: F32; argmax: Uint8Array }",
      },
      conv2dBackpropInput: { params: { dy: "F32", w: "F32", g: "Conv2dGeometry", precision }, returns: "F32" },
      conv2dBackpropFilter: { params: { x: "F32", dy: "F32", g: "Conv2dGeometry", precision }, returns: "F32" },
      depthwiseConv2d: {
        doc: "Depthwise: kernel [kh, kw, inC, multiplier], g.outC = inC * multiplier; output channel c * multiplier + j.",
        params: convolution,
        returns: "F32",
      },
      depthwiseConv2dBackpropInput: { params: { dy: "F32", w: "F32", g: "Conv2dGeometry" }, returns: "F32" },
      depthwiseConv2dBackpropFilter: { params: { x: "F32", dy: "F32", g: "Conv2dGeometry" }, returns: "F32" },
      maxPool2d: { params: { x: "F32", g: "Pool2dGeometry" }, returns: "F32" },
      maxPool2dGrad: { params: { dy: "F32", x: "F32", g: "Pool2dGeometry" }, returns: "F32" },
      maxPool2dReluGrad: {
        doc: "The gradient through a max pool of x = relu(z + bias) back to z, in one pass: maxPool2dGrad, then zero where x <= 0, and the bias gradient (dz summed per channel). Fit's backward fuses a relu convolution's pooling this way (src/autodiff/grad.ts).",
        params: { dy: "F32", x: "F32", g: "Pool2dGeometry" },
        returns: "{ dz: F32; db: F32 }",
      },
      maxPool2dArgmaxGrad: {
        doc: "The max pool's gradient from the argmax conv2dMaxPoolArgmax gave: dy to each window's argmax cell (summed where windows overlap), 0 elsewhere.",
        params: { dy: "F32", argmax: "Uint8Array", g: "Pool2dGeometry" },
        returns: "F32",
      },
      avgPool2d: {
        doc: "Average over the window cells inside the input (padding excluded, as in Keras).",
        params: { x: "F32", g: "Pool2dGeometry" },
        returns: "F32",
      },
      avgPool2dGrad: { params: { dy: "F32", g: "Pool2dGeometry" }, returns: "F32" },
      resizeBilinear: { params: { x: "F32", g: "ResizeGeometry" }, returns: "F32" },
      resizeBilinearGrad: { params: { dy: "F32", g: "ResizeGeometry" }, returns: "F32" },
      resizeNearest: { params: { x: "F32", g: "ResizeGeometry" }, returns: "F32" },
      resizeNearestGrad: { params: { dy: "F32", g: "ResizeGeometry" }, returns: "F32" },
      resizeBytes: {
        doc: "Resizes a window of an image's bytes into float32 pixels 0..255 in out (see ByteResizeGeometry): image loading's resize, fused with the conversion; out may be a view into a batch.",
        params: { src: "Uint8Array", g: "ByteResizeGeometry", out: "F32" },
        returns: "void",
      },
      imageTransform: {
        doc: "Warps every image by its own transform (transforms [batch, 8]); see TransformGeometry.",
        params: { x: "F32", transforms: "F32", g: "TransformGeometry" },
        returns: "F32",
      },
      imageTransformGrad: {
        doc: "The adjoint: each output gradient goes back to the input pixels it was sampled from.",
        params: { dy: "F32", transforms: "F32", g: "TransformGeometry" },
        returns: "F32",
      },
    },
  },
];
