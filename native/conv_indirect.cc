// Forward convolution as an indirect GEMM: output pixels x (taps * in-channels) x out-channels,
// where the micro-kernel (conv_indirect.inc) reads each pixel's taps through pointers into the
// input instead of a packed patch matrix. Only the weights are packed (once per call). Threads
// take blocks of pixels; inside a block, one sliver of weights at a time stays in cache while
// the block's tiles run against it.
#include <algorithm>
#include <vector>

#include "cpu.h"
#include "kernels.h"
#include "threadpool.h"

namespace kerno {
using IndirectTileFn = void (*)(int, int, const float* const*, const float*, float*, long, int, int, const float*, int);
}  // namespace kerno

#define KERNO_VARIANTS_OF "conv_indirect.inc"
#define KERNO_VARIANTS_AVX512 1
#include "isa_variants.inc"
#undef KERNO_VARIANTS_AVX512
#undef KERNO_VARIANTS_OF

namespace kerno {
namespace {

struct Kernel {
  IndirectTileFn tile;
  int nr;
};

Kernel pick() {
#ifdef KERNO_X86
  switch (active_isa()) {
    case Isa::avx512: return {avx512::indirect_tile, avx512::INR};
    case Isa::avx2: return {avx2::indirect_tile, avx2::INR};
    default: break;
  }
#endif
  return {portable::indirect_tile, portable::INR};
}

constexpr int MR = 6;
constexpr long kBlockPixels = 16 * MR;

}  // namespace

void conv2d_indirect(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act) {
  static const Kernel kernel = pick();
  const int NR = kernel.nr, C = g.inC, N = g.outC, taps = g.kH * g.kW;
  const long K = static_cast<long>(taps) * C, slivers = (N + NR - 1) / NR;
  // weights [K x N] into slivers of NR columns, k-major, zero-padded; bias likewise
  std::vector<float> packed(slivers * K * NR, 0.f), padded_bias(bias ? slivers * NR : 0, 0.f);
  parallel_for(slivers, 1, [&](std::size_t s0, std::size_t s1, int) {
    for (std::size_t s = s0; s < s1; s++) {
      const long j0 = static_cast<long>(s) * NR, cols = std::min<long>(NR, N - j0);
      float* dst = packed.data() + s * K * NR;
      for (long k = 0; k < K; k++)
        for (long j = 0; j < cols; j++) dst[k * NR + j] = w[k * N + j0 + j];
    }
  });
  if (bias) std::copy(bias, bias + N, padded_bias.begin());
  const std::vector<float> zero(C, 0.f);
  const long M = static_cast<long>(g.batch) * g.outH * g.outW;
  const long blocks = (M + kBlockPixels - 1) / kBlockPixels;
  parallel_for(blocks, 1, [&](std::size_t b0, std::size_t b1, int) {
    // the block's pointers: rows[(tile * taps + t) * MR + r] for pixel tile * MR + r
    std::vector<const float*> rows(kBlockPixels * taps);
    for (long b = static_cast<long>(b0); b < static_cast<long>(b1); b++) {
      const long p0 = b * kBlockPixels, count = std::min(kBlockPixels, M - p0);
      const long tiles = (count + MR - 1) / MR;
      for (long i = 0; i < tiles * MR; i++) {
        const long tile = i / MR, r = i % MR, p = p0 + i;
        const long ox = p % g.outW, oy = (p / g.outW) % g.outH, n = p / (static_cast<long>(g.outW) * g.outH);
        for (int t = 0; t < taps; t++) {
          const long iy = oy * g.strideH - g.padTop + static_cast<long>(t / g.kW) * g.dilH;
          const long ix = ox * g.strideW - g.padLeft + static_cast<long>(t % g.kW) * g.dilW;
          const bool inside = i < count && iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW;
          rows[(tile * taps + t) * MR + r] = inside ? x + ((n * g.inH + iy) * g.inW + ix) * C : zero.data();
        }
      }
      for (long s = 0; s < slivers; s++) {
        const float* pb = packed.data() + s * K * NR;
        const int cols = static_cast<int>(std::min<long>(NR, N - s * NR));
        const float* sb = bias ? padded_bias.data() + s * NR : nullptr;
        for (long tile = 0; tile < tiles; tile++) {
          const int nrows = static_cast<int>(std::min<long>(MR, count - tile * MR));
          kernel.tile(taps, C, rows.data() + tile * taps * MR, pb, y + (p0 + tile * MR) * N + s * NR, N, nrows, cols, sb, act);
        }
      }
    }
  });
}

}  // namespace kerno
