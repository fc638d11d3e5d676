// Forward convolution as an indirect GEMM: output pixels x (taps * in-channels) x out-channels,
// where the micro-kernel (conv_indirect.inc) reads each pixel's taps through pointers into the
// input instead of a packed patch matrix. Only the weights are packed (once per call). Threads
// take blocks of pixels; inside a block, one sliver of weights at a time stays in cache while
// the block's tiles run against it.
#include <algorithm>
#include <vector>

#include "conv_forward.h"
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

Kernel pick_kernel() {
#ifdef KERNO_X86
  switch (active_isa()) {
    case Isa::avx512: return {avx512::indirect_tile, avx512::INR};
    case Isa::avx2: return {avx2::indirect_tile, avx2::INR};
    default: break;
  }
#endif
  return {portable::indirect_tile, portable::INR};
}

const Kernel& kernel() {
  static const Kernel k = pick_kernel();
  return k;
}

constexpr int MR = 6;
constexpr long kBlockPixels = 16 * MR;

}  // namespace

IndirectConv::IndirectConv(const float* w, const ConvGeom& g, const float* bias, int act) : g_(g), act_(act), zero_(g.inC, 0.f) {
  const int NR = kernel().nr, N = g.outC;
  const long K = static_cast<long>(g.kH) * g.kW * g.inC, slivers = (N + NR - 1) / NR;
  // weights [K x N] into slivers of NR columns, k-major, zero-padded; bias likewise
  packed_.assign(slivers * K * NR, 0.f);
  parallel_for(slivers, 1, [&](std::size_t s0, std::size_t s1, int) {
    for (std::size_t s = s0; s < s1; s++) {
      const long j0 = static_cast<long>(s) * NR, cols = std::min<long>(NR, N - j0);
      float* dst = packed_.data() + s * K * NR;
      for (long k = 0; k < K; k++)
        for (long j = 0; j < cols; j++) dst[k * NR + j] = w[k * N + j0 + j];
    }
  });
  if (bias) {
    bias_.assign(slivers * NR, 0.f);
    std::copy(bias, bias + N, bias_.begin());
  }
}

void IndirectConv::pixels(const float* x, long p0, long count, float* y) const {
  const ConvGeom& g = g_;
  const int NR = kernel().nr, C = g.inC, N = g.outC, taps = g.kH * g.kW;
  const long K = static_cast<long>(taps) * C, slivers = (N + NR - 1) / NR;
  // a block's pointers: rows[(tile * taps + t) * MR + r] for pixel tile * MR + r
  std::vector<const float*> rows(kBlockPixels * taps);
  // each tap's offset from its pixel's first tap, for pixels whose taps all lie inside the image
  std::vector<long> tap_offset(taps);
  for (int t = 0; t < taps; t++) tap_offset[t] = (static_cast<long>(t / g.kW) * g.dilH * g.inW + static_cast<long>(t % g.kW) * g.dilW) * C;
  const long spanY = static_cast<long>(g.kH - 1) * g.dilH, spanX = static_cast<long>(g.kW - 1) * g.dilW;
  // the first pixel's position; later ones step along (no divisions per pixel)
  long ox = p0 % g.outW, oy = (p0 / g.outW) % g.outH, n = p0 / (static_cast<long>(g.outW) * g.outH);
  for (long b0 = 0; b0 < count; b0 += kBlockPixels) {
    const long n_pixels = std::min(kBlockPixels, count - b0), tiles = (n_pixels + MR - 1) / MR;
    for (long i = 0; i < tiles * MR; i++) {
      const float** row = rows.data() + (i / MR) * taps * MR + i % MR;
      if (i >= n_pixels) {
        for (int t = 0; t < taps; t++) row[t * MR] = zero_.data();
        continue;
      }
      const long iy0 = oy * g.strideH - g.padTop, ix0 = ox * g.strideW - g.padLeft;
      if (iy0 >= 0 && iy0 + spanY < g.inH && ix0 >= 0 && ix0 + spanX < g.inW) {
        const float* first = x + ((n * g.inH + iy0) * g.inW + ix0) * C;
        for (int t = 0; t < taps; t++) row[t * MR] = first + tap_offset[t];
      } else {
        for (int t = 0; t < taps; t++) {
          const long iy = iy0 + static_cast<long>(t / g.kW) * g.dilH, ix = ix0 + static_cast<long>(t % g.kW) * g.dilW;
          const bool inside = iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW;
          row[t * MR] = inside ? x + ((n * g.inH + iy) * g.inW + ix) * C : zero_.data();
        }
      }
      if (++ox == g.outW) {
        ox = 0;
        if (++oy == g.outH) oy = 0, n++;
      }
    }
    for (long s = 0; s < slivers; s++) {
      const float* pb = packed_.data() + s * K * NR;
      const int cols = static_cast<int>(std::min<long>(NR, N - s * NR));
      const float* sb = bias_.empty() ? nullptr : bias_.data() + s * NR;
      for (long tile = 0; tile < tiles; tile++) {
        const int nrows = static_cast<int>(std::min<long>(MR, n_pixels - tile * MR));
        kernel().tile(taps, C, rows.data() + tile * taps * MR, pb, y + (b0 + tile * MR) * N + s * NR, N, nrows, cols, sb, act_);
      }
    }
  }
}

void conv2d_indirect(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act) {
  const IndirectConv conv(w, g, bias, act);
  const long M = static_cast<long>(g.batch) * g.outH * g.outW;
  const long blocks = (M + kBlockPixels - 1) / kBlockPixels;
  parallel_chunks(blocks, 1, [&](std::size_t b0, std::size_t b1, int) {
    const long p0 = static_cast<long>(b0) * kBlockPixels, p1 = std::min(M, static_cast<long>(b1) * kBlockPixels);
    conv.pixels(x, p0, p1 - p0, y + p0 * g.outC);
  });
}

}  // namespace kerno
