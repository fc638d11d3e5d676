/** Products, convolutions and pooling (NHWC input, HWIO filters): their entries in the kernel table. */
import { act, type Binding, type BindingArg, bf16, f32, flag, int, out } from "./types.js";

const conv: BindingArg = { kind: "conv", name: "geometry", var: "g" };
const pool: BindingArg = { kind: "pool", name: "geometry", var: "g" };
const depthwise: [string, string, string] = ["g.inC > 0 && g.outC % g.inC == 0", "geometry", "needs outC a multiple of inC"];
// output sizes, as TypeScript allocations
const convIn = "uninit(g.batch * g.inH * g.inW * g.inC)";
const convOut = "uninit(g.batch * g.outH * g.outW * g.outC)";
const poolOut = "uninit(g.batch * g.outH * g.outW * g.channels)";

export const CONVOLUTION: Record<string, Binding> = {
  matMul: {
    doc: "one product a[m, k] x b[k, n] per batch entry, at the given element offsets",
    args: [
      f32("a"),
      f32("b"),
      out("out", "batches * prod(m, n)"),
      { kind: "i32", name: "aOffsets", first: true },
      { kind: "i32", name: "bOffsets", size: "batches" },
      int("m"),
      int("n"),
      int("k"),
      flag("transA"),
      flag("transB"),
      bf16,
    ],
    derive: [["const std::size_t", "batches", "aOffsets_len"]],
    requireAfter: [
      ["offsets_fit(aOffsets, batches, prod(m, k), a_len)", "a", "is too short for its batch offsets"],
      ["offsets_fit(bOffsets, batches, prod(k, n), b_len)", "b", "is too short for its batch offsets"],
    ],
    call: {
      body: `for (std::size_t t = 0; t < batches; t++) {
    MatRef MA = transA ? MatRef{a + aOffsets[t], 1, m} : MatRef{a + aOffsets[t], k, 1};
    MatRef MB = transB ? MatRef{b + bOffsets[t], 1, k} : MatRef{b + bOffsets[t], n, 1};
    if (bf16) gemm_bf16(m, n, k, MA, MB, out + t * prod(m, n), n, false, true);
    else sgemm(m, n, k, MA, MB, out + t * prod(m, n), n, false, true);
  }`,
    },
    wrap: {
      fallback: "hasZero(outShape) || hasZero(aShape) || hasZero(bShape)",
      locals: [
        "const rank = outShape.length",
        "const m = outShape[rank - 2]",
        "const n = outShape[rank - 1]",
        "const k = transA ? aShape[aShape.length - 2] : aShape[aShape.length - 1]",
        "const batch = outShape.slice(0, -2)",
      ],
      outputs: { out: "uninit(sizeOf(outShape))" },
      pass: { aOffsets: "batchOffsets(aShape, batch, 0)", bOffsets: "batchOffsets(bShape, batch, 1)" },
    },
  },
  conv2d: {
    doc: "y = act(conv2d(x, w) + bias)",
    args: [f32("x", "conv_x(g)"), f32("w", "conv_w(g)"), out("y", "conv_y(g)"), conv, f32("bias", "g.outC", { nullable: true }), act, bf16],
    call: { fn: "conv2d", args: ["x", "w", "y", "g", "bias", "act", "bf16"] },
    wrap: { fallback: "emptyConv(g)", outputs: { y: convOut } },
  },
  conv2dMaxPool: {
    doc: "maxPool2d(act(conv2d(x, w) + bias)) in one pass",
    args: [
      f32("x", "conv_x(g)"),
      f32("w", "conv_w(g)"),
      out("y", "pool_y(p)"),
      conv,
      f32("bias", "g.outC", { nullable: true }),
      act,
      { kind: "pool", name: "poolGeometry", var: "p" },
      bf16,
    ],
    require: [["p.batch == g.batch && p.inH == g.outH && p.inW == g.outW && p.channels == g.outC", "poolGeometry", "must pool the convolution's output"]],
    call: { fn: "conv2d_max_pool", args: ["x", "w", "y", "g", "bias", "act", "p", "bf16"] },
    wrap: {
      fallback: "emptyConv(g) || emptyPool(pool)",
      outputs: { y: "uninit(pool.batch * pool.outH * pool.outW * pool.channels)" },
      pass: { poolGeometry: "poolGeometry(pool, 1)" },
    },
  },
  conv2dMaxPoolArgmax: {
    doc: "conv2dMaxPool, and each pooled value's window cell (row-major over the window; 255: none) for the gradient",
    args: [
      f32("x", "conv_x(g)"),
      f32("w", "conv_w(g)"),
      out("y", "pool_y(p)"),
      { kind: "u8", name: "argmax", out: true, size: "pool_y(p)" },
      conv,
      f32("bias", "g.outC", { nullable: true }),
      act,
      { kind: "pool", name: "poolGeometry", var: "p" },
      bf16,
    ],
    require: [
      ["p.batch == g.batch && p.inH == g.outH && p.inW == g.outW && p.channels == g.outC", "poolGeometry", "must pool the convolution's output"],
      ["p.kH * p.kW <= 255", "poolGeometry", "must have at most 255 cells a window (a byte each, 255 meaning none)"],
    ],
    call: { fn: "conv2d_max_pool_argmax", args: ["x", "w", "y", "argmax", "g", "bias", "act", "p", "bf16"] },
    wrap: {
      fallback: "emptyConv(g) || emptyPool(pool)",
      outputs: {
        y: "uninit(pool.batch * pool.outH * pool.outW * pool.channels)",
        argmax: "new Uint8Array(pool.batch * pool.outH * pool.outW * pool.channels)",
      },
      pass: { poolGeometry: "poolGeometry(pool, 1)" },
      returns: "{ y, argmax }",
    },
  },
  conv2dBackpropInput: {
    doc: "the input gradient of conv2d",
    args: [f32("dy", "conv_y(g)"), f32("w", "conv_w(g)"), out("dx", "conv_x(g)"), conv, bf16],
    call: { fn: "conv2d_backprop_input", args: ["dy", "w", "dx", "g", "bf16"] },
    wrap: { fallback: "emptyConv(g)", outputs: { dx: convIn } },
  },
  conv2dBackpropFilter: {
    doc: "the filter gradient of conv2d",
    args: [f32("x", "conv_x(g)"), f32("dy", "conv_y(g)"), out("dw", "conv_w(g)"), conv, bf16],
    call: { fn: "conv2d_backprop_filter", args: ["x", "dy", "dw", "g", "bf16"] },
    wrap: { fallback: "emptyConv(g)", outputs: { dw: "uninit(g.kH * g.kW * g.inC * g.outC)" } },
  },
  depthwiseConv2d: {
    doc: "depthwise convolution, kernel [kh, kw, inC, outC / inC]",
    args: [f32("x", "conv_x(g)"), f32("w", "depthwise_w(g)"), out("y", "conv_y(g)"), conv, f32("bias", "g.outC", { nullable: true }), act],
    require: [depthwise],
    call: { fn: "depthwise_conv2d", args: ["x", "w", "y", "g", "bias", "act"] },
    wrap: { fallback: "emptyConv(g)", outputs: { y: convOut } },
  },
  depthwiseConv2dBackpropInput: {
    doc: "the input gradient of depthwiseConv2d",
    args: [f32("dy", "conv_y(g)"), f32("w", "depthwise_w(g)"), out("dx", "conv_x(g)"), conv],
    require: [depthwise],
    call: { fn: "depthwise_conv2d_backprop_input", args: ["dy", "w", "dx", "g"] },
    wrap: { fallback: "emptyConv(g)", outputs: { dx: convIn } },
  },
  depthwiseConv2dBackpropFilter: {
    doc: "the filter gradient of depthwiseConv2d",
    args: [f32("x", "conv_x(g)"), f32("dy", "conv_y(g)"), out("dw", "depthwise_w(g)"), conv],
    require: [depthwise],
    call: { fn: "depthwise_conv2d_backprop_filter", args: ["x", "dy", "dw", "g"] },
    wrap: { fallback: "emptyConv(g)", outputs: { dw: "uninit(g.kH * g.kW * g.outC)" } },
  },
  maxPool2d: {
    doc: "max pooling",
    args: [f32("x", "pool_x(g)"), out("y", "pool_y(g)"), pool],
    call: { fn: "max_pool2d", args: ["x", "y", "g"] },
    wrap: { fallback: "emptyPool(g)", outputs: { y: poolOut } },
  },
  maxPool2dGrad: {
    doc: "the gradient of maxPool2d",
    args: [f32("dy", "pool_y(g)"), f32("x", "pool_x(g)"), out("dx", "pool_x(g)"), pool],
    call: { fn: "max_pool2d_grad", args: ["dy", "x", "dx", "g"] },
    wrap: { fallback: "emptyPool(g)", outputs: { dx: "uninit(x.length)" } },
  },
  maxPool2dReluGrad: {
    doc: "maxPool2dGrad, then zero where x <= 0 (x a relu's output), and db = dz summed per channel",
    args: [f32("dy", "pool_y(g)"), f32("x", "pool_x(g)"), out("dz", "pool_x(g)"), out("db", "static_cast<std::size_t>(g.channels)"), pool],
    call: { fn: "max_pool2d_relu_grad", args: ["dy", "x", "dz", "db", "g"] },
    wrap: { fallback: "emptyPool(g)", outputs: { dz: "uninit(x.length)", db: "uninit(g.channels)" }, returns: "{ dz, db }" },
  },
  maxPool2dArgmaxGrad: {
    doc: "dy routed to each window's argmax cell (conv2dMaxPoolArgmax's); windows that overlap add",
    args: [f32("dy", "pool_y(g)"), { kind: "u8", name: "argmax", size: "pool_y(g)" }, out("dx", "pool_x(g)"), pool],
    require: [["g.kH * g.kW <= 255", "geometry", "must have at most 255 cells a window (a byte each, 255 meaning none)"]],
    call: { fn: "max_pool2d_argmax_grad", args: ["dy", "argmax", "dx", "g"] },
    wrap: { fallback: "emptyPool(g)", outputs: { dx: "uninit(g.batch * g.inH * g.inW * g.channels)" } },
  },
  avgPool2d: {
    doc: "average pooling over the window cells inside the input",
    args: [f32("x", "pool_x(g)"), out("y", "pool_y(g)"), pool],
    call: { fn: "avg_pool2d", args: ["x", "y", "g"] },
    wrap: { fallback: "emptyPool(g)", outputs: { y: poolOut } },
  },
  avgPool2dGrad: {
    doc: "the gradient of avgPool2d",
    args: [f32("dy", "pool_y(g)"), out("dx", "pool_x(g)"), pool],
    call: { fn: "avg_pool2d_grad", args: ["dy", "dx", "g"] },
    wrap: { fallback: "emptyPool(g)", outputs: { dx: "uninit(g.batch * g.inH * g.inW * g.channels)" } },
  },
};
