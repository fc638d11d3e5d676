// What the generated entry points (bindings.gen.inc, from src/backends/kernel-table/) unpack
// geometries with and size arrays by: plain functions of the arguments, so that another target
// binds the same table with its own Args.
#pragma once
#include <cstddef>
#include <cstdint>

// Args: each target's own, with one interface: Node-API's here, WebAssembly's argument slots in @kerno/wasm
#if defined(__EMSCRIPTEN__)
#include "wasm_args.h"
#else
#include "args.h"
#endif
#include "cpu.h"
#include "gemm.h"
#include "kernels.h"

namespace kerno {
namespace {

using std::size_t;

// The product of sizes (a negative one counts as 0).
template <typename... T>
size_t prod(T... dims) {
  size_t n = 1;
  ((n *= static_cast<size_t>(dims < 0 ? 0 : dims)), ...);
  return n;
}

bool positive(const int32_t* p, int from, int to) {
  for (int i = from; i < to; i++) if (p[i] <= 0) return false;
  return true;
}

bool non_negative(const int32_t* p, int n) {
  for (int i = 0; i < n; i++) if (p[i] < 0) return false;
  return true;
}

size_t prod_of(const int32_t* shape, int rank) {
  size_t total = 1;
  for (int d = 0; d < rank; d++) total *= static_cast<size_t>(shape[d]);
  return total;
}

// The highest element index that `strides` reach over `shape`, plus one.
size_t reach(const int32_t* shape, const int32_t* strides, int rank) {
  size_t last = 0;
  for (int d = 0; d < rank; d++) {
    if (shape[d] == 0) return 0;
    last += static_cast<size_t>(shape[d] - 1) * static_cast<size_t>(strides[d] < 0 ? 0 : strides[d]);
  }
  return last + 1;
}

// Whether every batch offset leaves room for one matrix of `matrix` elements in an array of `len`.
bool offsets_fit(const int32_t* offsets, size_t batches, size_t matrix, size_t len) {
  for (size_t t = 0; t < batches; t++)
    if (offsets[t] < 0 || static_cast<size_t>(offsets[t]) + matrix > len) return false;
  return true;
}

// A conv geometry: batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft.
ConvGeom conv_geom(Args& a, int i) {
  const int32_t* p = a.i32(i, "geometry", 15);
  if (!a.ok()) return {};
  a.require(positive(p, 0, 13) && p[13] >= 0 && p[14] >= 0, "geometry", "needs positive sizes, strides and dilations and non-negative padding");
  return {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14]};
}
size_t conv_x(const ConvGeom& g) { return prod(g.batch, g.inH, g.inW, g.inC); }
size_t conv_w(const ConvGeom& g) { return prod(g.kH, g.kW, g.inC, g.outC); }
size_t conv_y(const ConvGeom& g) { return prod(g.batch, g.outH, g.outW, g.outC); }
// depthwise: the kernel is [kh, kw, inC, outC / inC]
size_t depthwise_w(const ConvGeom& g) { return prod(g.kH, g.kW, g.outC); }

// A pool geometry: batch, inH, inW, channels, outH, outW, kH, kW, strideH, strideW, padTop, padLeft.
PoolGeom pool_geom(Args& a, int i, const char* what) {
  const int32_t* p = a.i32(i, what, 12);
  if (!a.ok()) return {};
  a.require(positive(p, 0, 10) && p[10] >= 0 && p[11] >= 0, what, "needs positive sizes and strides and non-negative padding");
  return {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]};
}
size_t pool_x(const PoolGeom& g) { return prod(g.batch, g.inH, g.inW, g.channels); }
size_t pool_y(const PoolGeom& g) { return prod(g.batch, g.outH, g.outW, g.channels); }

// An image transform's geometry: batch, inH, inW, channels, outH, outW, fillMode, interpolation.
TransformGeom transform_geom(const int32_t* p, float fill) { return {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], fill}; }
bool transform_sizes_ok(const TransformGeom& g) {
  return g.batch >= 0 && g.inH > 0 && g.inW > 0 && g.channels > 0 && g.outH >= 0 && g.outW >= 0;
}

// Resizing an image's bytes: srcH, srcW, channels, the window (top, left, height, width), outH, outW, nearest.
ByteResizeGeom byte_resize_geom(const int32_t* p) { return {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]}; }
// a * b * c of positive ints fits an int32 (so that no size product wraps, on 32-bit wasm either)
bool fits_int32(int64_t a, int64_t b, int64_t c) { return a * b <= INT32_MAX && a * b * c <= INT32_MAX; }
// sides up to 2^20 keep the taps' integer arithmetic exact (in doubles too: resize.ts)
bool byte_resize_ok(const ByteResizeGeom& g) {
  const int side = 1 << 20;
  return g.srcH > 0 && g.srcW > 0 && g.channels > 0 && g.outH > 0 && g.outW > 0 && g.top >= 0 && g.left >= 0 && g.height > 0 &&
         g.width > 0 && g.height <= g.srcH - g.top && g.width <= g.srcW - g.left && g.srcH <= side && g.srcW <= side && g.outH <= side &&
         g.outW <= side && fits_int32(g.srcH, g.srcW, g.channels) && fits_int32(g.outH, g.outW, g.channels);
}

// A mixed-precision flag: true asks for bfloat16 products, which this CPU must support.
bool bf16_flag(Args& a, int i) {
  const bool bf16 = a.flag(i, "bf16");
  a.require(!bf16 || bf16_supported(), "bf16", "asks for bfloat16 products, but this CPU (or KERNO_ISA) lacks AVX512_BF16");
  return bf16;
}

// A recurrent spec (kind, batch, steps, features, units, act, recAct) and the sizes it implies.
struct RnnSizes {
  RnnSpec s;
  size_t x, W, R, bias, state, mask, seq, cache;
};
RnnSizes rnn_sizes(Args& a, int i) {
  const int32_t* p = a.i32(i, "spec", 7);
  if (!a.ok()) return {};
  a.require(p[0] >= 0 && p[0] < RNN_COUNT && p[5] >= 0 && p[5] < ACT_COUNT && p[6] >= 0 && p[6] < ACT_COUNT, "spec", "has an unknown kind or activation code");
  a.require(positive(p, 1, 5), "spec", "needs positive batch, steps, features and units");
  if (!a.ok()) return {};
  const RnnSpec s = {p[0], p[1], p[2], p[3], p[4], p[5], p[6]};
  const long G = rnn_gates(s.kind), B = s.batch, T = s.steps, F = s.features, U = s.units;
  return {s, prod(B, T, F), prod(F, G, U), prod(U, G, U), prod(s.kind == RNN_GRU ? 2 : 1, G, U), prod(B, U), prod(B, T),
          prod(B, T, U), prod(rnn_cache_width(s.kind), B, T, U)};
}

}  // namespace
}  // namespace kerno
