// conv2d in NHWC/HWIO. The forward pass is an indirect GEMM (conv_indirect.cc: the micro-kernel
// reads receptive fields in place, with bias + activation in registers). The backward passes build
// patch matrices chunk by chunk (im2col) in per-thread buffers; col2im scatters the input
// gradient back, threads owning whole images (or, with fewer images than threads, splitting each
// product while col2im follows it on the calling thread). First layers with tiny patches use direct loops
// (conv_direct.inc). 3x3 stride-1 passes may also run as Winograd convolutions (winograd.cc):
// the first call on each shape times every way it may run and keeps the fastest (autotune.h).
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "autotune.h"
#include "conv_forward.h"
#include "cpu.h"
#include "gemm.h"
#include "kernels.h"
#include "patches.h"
#include "threadpool.h"

#define KERNO_VARIANTS_OF "conv_direct.inc"
#define KERNO_VARIANTS_AVX512 1
#include "isa_variants.inc"
#undef KERNO_VARIANTS_AVX512
#undef KERNO_VARIANTS_OF

namespace kerno {
namespace {

// First layers (1 or 3 input channels) have patches of 9 to 27 values: too short for the
// product to pay for im2col and packing, so they use the direct loops of conv_direct.inc when
// the output channels fill whole vectors.
constexpr long kDirectMaxPatch = 32;
// Up to this patch length (16 input channels of a 3x3 kernel) the direct loops are one of the
// timed ways of a forward pass or a filter gradient, not the only one: Tiny Darknet's 16 -> 32
// layer at 112x112 ran them 2.7x faster than the patch product or the indirect GEMM, while the
// cats-vs-dogs first layer's filter gradient ran 3x faster as a patch product (73 -> 23 ms).
constexpr long kDirectTimedMaxPatch = 160;
// Filter gradients' direct loops are register tiles over runs of pixels (conv_direct.inc's
// filter_run) and stay a timed way up to 128 input channels of a 3x3 kernel.
constexpr long kDirectFilterMaxPatch = 1152;

// The active instruction set's `lookup(channels...)` from conv_direct.inc (AVX-512 falls back to
// AVX2's loops for channel counts it has none for).
#ifdef KERNO_X86
#define KERNO_DIRECT_LOOPS(lookup, ...)                                                                         \
  (active_isa() == Isa::avx512 && avx512::lookup(__VA_ARGS__) ? avx512::lookup(__VA_ARGS__)                     \
   : active_isa() != Isa::portable                             ? avx2::lookup(__VA_ARGS__)                       \
                                                               : portable::lookup(__VA_ARGS__))
#else
#define KERNO_DIRECT_LOOPS(lookup, ...) portable::lookup(__VA_ARGS__)
#endif

// The direct loops for g's output channels, whatever its patch length (null when none fits); the
// input gradient's also need 1 to 4 input channels.
DirectForwardFn direct_forward_fn(const ConvGeom& g) { return KERNO_DIRECT_LOOPS(direct_forward_for, g.outC); }
DirectFilterFn direct_filter_fn(const ConvGeom& g) { return KERNO_DIRECT_LOOPS(direct_filter_for, g.outC); }
DirectInputFn direct_input_fn(const ConvGeom& g) { return KERNO_DIRECT_LOOPS(direct_input_for, g.inC, g.outC); }
#undef KERNO_DIRECT_LOOPS

// The filter gradient's direct loops where they are the only way (patches of at most kDirectMaxPatch)
DirectFilterFn filter_direct_only(const ConvGeom& g) { return patch_size(g) > kDirectMaxPatch ? nullptr : direct_filter_fn(g); }

void conv2d_direct(DirectForwardFn rows, const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act) {
  const long M = static_cast<long>(g.batch) * g.outH * g.outW;
  parallel_chunks(M, 256, [&](std::size_t r0, std::size_t r1, int) { rows(x, w, y + r0 * g.outC, g, r0, r1, bias, act); });
}

void conv2d_backprop_input_direct(DirectInputFn rows, const float* dy, const float* w, float* dx, const ConvGeom& g) {
  const long M = static_cast<long>(g.batch) * g.inH * g.inW;
  parallel_chunks(M, 256, [&](std::size_t r0, std::size_t r1, int) { rows(dy, w, dx + r0 * g.inC, g, r0, r1); });
}

void conv2d_backprop_filter_direct(DirectFilterFn rows, const float* x, const float* dy, float* dw, const ConvGeom& g) {
  const long M = static_cast<long>(g.batch) * g.outH * g.outW, KN = patch_size(g) * g.outC;
  const int threads = num_threads();
  std::vector<float> partial(static_cast<std::size_t>(threads) * KN, 0.f);
  parallel_for(M, 256, [&](std::size_t r0, std::size_t r1, int t) { rows(x, dy, partial.data() + t * KN, g, r0, r1); });
  for (long i = 0; i < KN; i++) {
    float s = 0.f;
    for (int t = 0; t < threads; t++) s += partial[static_cast<std::size_t>(t) * KN + i];
    dw[i] = s;
  }
}

struct BiasAct {
  const float* bias;
  int act;
};

void apply_bias_act(const void* ctx, float* c, std::ptrdiff_t ldc, int, int rows, int j0, int cols) {
  const BiasAct& ba = *static_cast<const BiasAct*>(ctx);
  for (int r = 0; r < rows; r++) {
    float* row = c + r * ldc;
    if (ba.act == ACT_RELU) {
      for (int j = 0; j < cols; j++) { const float z = row[j] + (ba.bias ? ba.bias[j0 + j] : 0.f); row[j] = z > 0 ? z : 0.f; }
    } else {
      if (ba.bias) for (int j = 0; j < cols; j++) row[j] += ba.bias[j0 + j];
      act_map(ba.act, row, row, cols);
    }
  }
}

// Identifies a pass on one shape, for remembering which way of running it was fastest.
std::vector<int> tuning_key(const ConvGeom& g, WinogradPass pass) {
  return {static_cast<int>(pass), g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW, g.dilH, g.dilW, g.padTop, g.padLeft};
}

// The input gradient of a stride-1 convolution is the forward convolution of dy with the kernel
// turned 180 degrees and its in- and out-channels swapped, padded by the kernel's span less the
// forward padding.
struct TurnedConv {
  std::vector<float> w;
  ConvGeom g;
};

bool turnable(const ConvGeom& g) {
  return g.strideH == 1 && g.strideW == 1 && g.dilH == 1 && g.dilW == 1 && g.padTop < g.kH && g.padLeft < g.kW;
}

TurnedConv turned(const float* w, const ConvGeom& g) {
  const long C = g.inC, K = g.outC, taps = static_cast<long>(g.kH) * g.kW;
  TurnedConv t{std::vector<float>(taps * C * K),
               ConvGeom{g.batch, g.outH, g.outW, g.outC, g.inH, g.inW, g.inC, g.kH, g.kW, 1, 1, 1, 1, g.kH - 1 - g.padTop, g.kW - 1 - g.padLeft}};
  for (long tap = 0; tap < taps; tap++)
    for (long c = 0; c < C; c++)
      for (long k = 0; k < K; k++) t.w[(taps - 1 - tap) * K * C + k * C + c] = w[tap * C * K + c * K + k];
  return t;
}

// The ways a pass may run, as autotune's candidates.
enum Way { kPatchGemm = 0, kIndirect = 1, kWinograd2 = 2, kDirect = 3, kWinograd4 = 4, kWinograd2ByPoint = 5, kWinograd4ByPoint = 6 };

// KERNO_CONV=gemm|indirect|direct|f2|f4|f2p|f4p runs every pass that has that way that way (tests and
// measurements); otherwise, and by default, the ways a pass has are timed at first use.
int forced_way() {
  static const int way = [] {
    const char* v = std::getenv("KERNO_CONV");
    if (!v) return -1;
    const std::string s(v);
    return s == "gemm"       ? kPatchGemm
           : s == "indirect" ? kIndirect
           : s == "direct"   ? kDirect
           : s == "f2"       ? kWinograd2
           : s == "f4"       ? kWinograd4
           : s == "f2p"      ? kWinograd2ByPoint
           : s == "f4p"      ? kWinograd4ByPoint
                             : -1;
  }();
  return way;
}

// Runs a Winograd way: blocks of tiles, or point by point.
void winograd(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act, int way) {
  if (way == kWinograd2ByPoint || way == kWinograd4ByPoint) return winograd_conv3x3_by_point(x, w, y, g, bias, act, way == kWinograd2ByPoint ? 2 : 4);
  winograd_conv3x3(x, w, y, g, bias, act, way);
}

std::vector<int> conv_ways(const ConvGeom& g, WinogradPass pass) {
  std::vector<int> ways;
  if (pass == WinogradPass::forward) ways.push_back(kIndirect);
  else ways.push_back(kPatchGemm);
  if (pass == WinogradPass::input && turnable(g)) ways.push_back(kIndirect);
  const long direct_max = pass == WinogradPass::filter ? kDirectFilterMaxPatch : kDirectTimedMaxPatch;
  const bool direct = pass == WinogradPass::filter ? direct_filter_fn(g) != nullptr : direct_forward_fn(g) != nullptr;
  if (pass != WinogradPass::input && patch_size(g) <= direct_max && direct) ways.push_back(kDirect);
  if (pass == WinogradPass::input && direct_input_fn(g)) ways.push_back(kDirect);
  for (int m : {2, 4})
    if (winograd_fits(g, pass, m)) ways.push_back(m);
  if (pass != WinogradPass::filter)
    for (int m : {2, 4})
      if (winograd_by_point_fits(g, m)) ways.push_back(m == 2 ? kWinograd2ByPoint : kWinograd4ByPoint);
  for (int way : ways)
    if (way == forced_way()) return {way};
  return ways;
}

}  // namespace

ForcedWay forced_conv_way() {
  const int way = forced_way();
  return way < 0 ? ForcedWay::none : way == kIndirect || way == kDirect ? ForcedWay::banded : ForcedWay::unbanded;
}

DirectForwardFn direct_forward_rows(const ConvGeom& g) { return patch_size(g) > kDirectMaxPatch ? nullptr : direct_forward_fn(g); }

// bf16: mixed precision, each pass a patch product in bfloat16 with float32 sums (first layers'
// direct loops, whose patches are too short for a product to pay, stay float32).
void conv2d(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act, bool bf16) {
  const BiasAct ba{bias, act};
  const Epilogue epilogue{apply_bias_act, &ba};
  const Epilogue* epi = bias || act != ACT_LINEAR ? &epilogue : nullptr;
  if (DirectForwardFn rows = direct_forward_rows(g)) return conv2d_direct(rows, x, w, y, g, bias, act);
  if (pointwise(g) || bf16) return patch_conv2d(x, w, y, g, epi, bf16);
  run_fastest(tuning_key(g, WinogradPass::forward), conv_ways(g, WinogradPass::forward), [&](int way) {
    if (way == kIndirect) return conv2d_indirect(x, w, y, g, bias, act);
    if (way == kDirect) return conv2d_direct(direct_forward_fn(g), x, w, y, g, bias, act);
    winograd(x, w, y, g, bias, act, way);
  });
}

void conv2d_backprop_input(const float* dy, const float* w, float* dx, const ConvGeom& g, bool bf16) {
  const long M = static_cast<long>(g.batch) * g.outH * g.outW, K = patch_size(g), N = g.outC;
  if (pointwise(g)) {
    if (bf16) return gemm_bf16(M, K, N, row_major(dy, N), transposed(w, N), dx, K, false, true);
    return sgemm(M, K, N, row_major(dy, N), transposed(w, N), dx, K, false, true);
  }
  if (bf16) return patch_backprop_input(dy, w, dx, g, true);
  // the turned kernel is made inside each way that uses it, so that the timing counts it and
  // a call whose winner is the patch product never makes it (64 -> 512 channels: 1.2 MB a call)
  run_fastest(tuning_key(g, WinogradPass::input), conv_ways(g, WinogradPass::input), [&](int way) {
    if (way == kPatchGemm) return patch_backprop_input(dy, w, dx, g, false);
    if (way == kDirect) return conv2d_backprop_input_direct(direct_input_fn(g), dy, w, dx, g);
    const TurnedConv t = turned(w, g);
    if (way == kIndirect) return conv2d_indirect(dy, t.w.data(), dx, t.g, nullptr, ACT_LINEAR);
    winograd(dy, t.w.data(), dx, t.g, nullptr, ACT_LINEAR, way);
  });
}

void conv2d_backprop_filter(const float* x, const float* dy, float* dw, const ConvGeom& g, bool bf16) {
  const long M = static_cast<long>(g.batch) * g.outH * g.outW, K = patch_size(g), N = g.outC;
  if (pointwise(g)) {
    if (bf16) return gemm_bf16(K, N, M, transposed(x, K), row_major(dy, N), dw, N, false, true);
    return sgemm(K, N, M, transposed(x, K), row_major(dy, N), dw, N, false, true);
  }
  if (bf16) {
    if (DirectFilterFn rows = filter_direct_only(g)) return conv2d_backprop_filter_direct(rows, x, dy, dw, g);
    return patch_backprop_filter(x, dy, dw, g, true);
  }
  run_fastest(tuning_key(g, WinogradPass::filter), conv_ways(g, WinogradPass::filter), [&](int way) {
    if (way == kPatchGemm) return patch_backprop_filter(x, dy, dw, g, false);
    if (way == kDirect) return conv2d_backprop_filter_direct(direct_filter_fn(g), x, dy, dw, g);
    winograd_backprop_filter(x, dy, dw, g);
  });
}

}  // namespace kerno
