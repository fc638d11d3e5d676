// Winograd convolutions for 3x3 kernels at stride 1 (Lavin and Gray, 2015). F(2x2, 3x3): each
// 2x2 block of outputs takes 16 multiplications per input and output channel instead of 36, as
// 16 matrix products (tiles x in-channels) x (in-channels x out-channels) between transforms.
// The input gradient is the same convolution with the kernel turned 180 degrees and its
// channels swapped; the filter gradient uses F(3x3, 2x2), summing over tiles inside 16 products.
// Tiles go in blocks sized to keep a block's transforms in L2; threads take whole blocks.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cpu.h"
#include "gemm.h"
#include "kernels.h"
#include "threadpool.h"

namespace kerno {
using InputTransformFn = void (*)(const float* const*, int, float*, long, bool);
using OutputTransformFn = void (*)(const float*, long, int, float* const*, const float*, int);
using GradTransformFn = void (*)(const float* const*, int, float*, long);
}  // namespace kerno

#define KERNO_VARIANTS_OF "winograd_kernel.inc"
#define KERNO_VARIANTS_AVX512 1
#include "isa_variants.inc"
#undef KERNO_VARIANTS_AVX512
#undef KERNO_VARIANTS_OF

namespace kerno {
namespace {

struct Transforms {
  InputTransformFn in;
  OutputTransformFn out;
  GradTransformFn grad;
};

Transforms pick() {
#ifdef KERNO_X86
  switch (active_isa()) {
    case Isa::avx512: return {avx512::input_transform, avx512::output_transform, avx512::grad_transform};
    case Isa::avx2: return {avx2::input_transform, avx2::output_transform, avx2::grad_transform};
    default: break;
  }
#endif
  return {portable::input_transform, portable::output_transform, portable::grad_transform};
}

const Transforms& transforms() {
  static const Transforms t = pick();
  return t;
}

// U[xi][c][k] = (G w G^T)[xi] for each (c, k), G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1].
void filter_transform(const float* w, long CK, float* U) {
  const float G[4][3] = {{1, 0, 0}, {.5f, .5f, .5f}, {.5f, -.5f, .5f}, {0, 0, 1}};
  for (long e = 0; e < CK; e++) {
    float t[4][3];
    for (int i = 0; i < 4; i++)
      for (int b = 0; b < 3; b++) t[i][b] = G[i][0] * w[b * CK + e] + G[i][1] * w[(3 + b) * CK + e] + G[i][2] * w[(6 + b) * CK + e];
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++) U[(i * 4 + j) * CK + e] = t[i][0] * G[j][0] + t[i][1] * G[j][1] + t[i][2] * G[j][2];
  }
}

// Tiles per block: a block's 16 transformed tiles of in- and out-channels take about 2 MB, and
// never fewer than 48 tiles, below which the 16 products are too small to run at speed.
long tile_block(long C, long K) {
  const long tb = (2 * 1024 * 1024 / 4) / (16 * (C + K));
  return std::max<long>(48, std::min<long>(480, tb / 6 * 6));
}

std::vector<float>& scratch(int which, std::size_t floats) {
  thread_local std::vector<float> bufs[4];
  if (bufs[which].size() < floats) bufs[which].resize(floats);
  return bufs[which];
}

// A row of zeros for pixels outside the image, and a row that swallows outputs outside it.
const float* zeros_row(std::size_t floats) {
  std::vector<float>& z = scratch(2, floats);
  return z.data();
}
float* sink_row(std::size_t floats) { return scratch(3, floats).data(); }

struct Tiles {
  long th, tw, per_image, count;
  explicit Tiles(const ConvGeom& g)
      : th((g.outH + 1) / 2), tw((g.outW + 1) / 2), per_image(th * tw), count(static_cast<long>(g.batch) * th * tw) {}
};

// The 16 input rows of tile t: 4x4 pixels from (2*ty - padTop, 2*tx - padLeft), null outside.
void patch(const float* x, const ConvGeom& g, const Tiles& tl, long t, const float* zero, const float* d[16]) {
  const long n = t / tl.per_image, rem = t % tl.per_image;
  const long iy0 = rem / tl.tw * 2 - g.padTop, ix0 = rem % tl.tw * 2 - g.padLeft;
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      const long iy = iy0 + i, ix = ix0 + j;
      d[i * 4 + j] = iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW ? x + ((n * g.inH + iy) * g.inW + ix) * g.inC : zero;
    }
}

}  // namespace

namespace {

enum class Mode { off, automatic, all };

// KERNO_WINOGRAD: "off"; "all" (every 3x3 stride-1 pass, for measuring); default: the cost model.
Mode mode() {
  static const Mode m = [] {
    const char* v = std::getenv("KERNO_WINOGRAD");
    if (v && (std::strcmp(v, "off") == 0 || std::strcmp(v, "0") == 0)) return Mode::off;
    if (v && std::strcmp(v, "all") == 0) return Mode::all;
    return Mode::automatic;
  }();
  return m;
}

bool shape_fits(const ConvGeom& g) {
  return g.kH == 3 && g.kW == 3 && g.strideH == 1 && g.strideW == 1 && g.dilH == 1 && g.dilW == 1 && g.padTop <= 2 &&
         g.padLeft <= 2 && g.inC >= 16 && g.outC >= 16 && g.outH >= 2 && g.outW >= 2;
}

}  // namespace

// Measured on the course's shapes (MNIST, cats vs dogs, VGG16, Tiny Darknet; AVX-512): the
// forward and input-gradient passes ran at best 1.1x and often slower than the implicit GEMM
// (its products are large and its packing amortized; Winograd's 16 products per tile block are
// small), so they stay on the GEMM. The filter gradient sums over all tiles inside its products
// and ran 1.3-2.1x faster wherever the tiles outnumber the channel pairs: that is the rule.
bool winograd_applies(const ConvGeom& g, WinogradPass pass) {
  if (mode() == Mode::off || !shape_fits(g)) return false;
  if (mode() == Mode::all) return true;
  const long tiles = static_cast<long>(g.batch) * ((g.outH + 1) / 2) * ((g.outW + 1) / 2);
  return pass == WinogradPass::filter && tiles >= 1024 && tiles * 64 >= static_cast<long>(g.inC) * g.outC;
}

void winograd_conv3x3(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act) {
  const long C = g.inC, K = g.outC;
  const Tiles tl(g);
  std::vector<float> U(16 * C * K);
  filter_transform(w, C * K, U.data());
  const long TB = tile_block(C, K);
  const long blocks = (tl.count + TB - 1) / TB;
  const Transforms& tf = transforms();
  parallel_for(blocks, 1, [&](std::size_t b0, std::size_t b1, int) {
    float* V = scratch(0, 16 * TB * C).data();
    float* M = scratch(1, 16 * TB * K).data();
    const float* zero = zeros_row(C);
    float* sink = sink_row(K);
    for (long b = static_cast<long>(b0); b < static_cast<long>(b1); b++) {
      const long t0 = b * TB, tb = std::min(TB, tl.count - t0);
      const float* d[16];
      for (long t = 0; t < tb; t++) {
        patch(x, g, tl, t0 + t, zero, d);
        tf.in(d, static_cast<int>(C), V + t * C, tb * C, false);
      }
      for (int xi = 0; xi < 16; xi++)
        sgemm(tb, K, C, row_major(V + xi * tb * C, C), row_major(U.data() + xi * C * K, K), M + xi * tb * K, K, false, false);
      for (long t = 0; t < tb; t++) {
        const long n = (t0 + t) / tl.per_image, rem = (t0 + t) % tl.per_image;
        const long oy = rem / tl.tw * 2, ox = rem % tl.tw * 2;
        float* out[4];
        for (int o = 0; o < 4; o++) {
          const long yy = oy + o / 2, xx = ox + o % 2;
          out[o] = yy < g.outH && xx < g.outW ? y + ((n * g.outH + yy) * g.outW + xx) * K : sink;
        }
        tf.out(M + t * K, tb * K, static_cast<int>(K), out, bias, act);
      }
    }
  });
}

void winograd_backprop_input(const float* dy, const float* w, float* dx, const ConvGeom& g) {
  const long C = g.inC, K = g.outC;
  std::vector<float> turned(9 * C * K);
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      for (long c = 0; c < C; c++)
        for (long k = 0; k < K; k++) turned[((2 - a) * 3 + (2 - b)) * K * C + k * C + c] = w[(a * 3 + b) * C * K + c * K + k];
  const ConvGeom back{g.batch, g.outH, g.outW, g.outC, g.inH, g.inW, g.inC, 3, 3, 1, 1, 1, 1, 2 - g.padTop, 2 - g.padLeft};
  winograd_conv3x3(dy, turned.data(), dx, back, nullptr, ACT_LINEAR);
}

void winograd_backprop_filter(const float* x, const float* dy, float* dw, const ConvGeom& g) {
  const long C = g.inC, K = g.outC, CK = C * K;
  const Tiles tl(g);
  const long TB = tile_block(C, K);
  const long blocks = (tl.count + TB - 1) / TB;
  const int threads = std::max<int>(1, std::min<long>(num_threads(), blocks));
  std::vector<std::vector<float>> sums(threads, std::vector<float>(16 * CK, 0.f));
  const Transforms& tf = transforms();
  parallel_for(blocks, 1, [&](std::size_t b0, std::size_t b1, int thread) {
    float* V = scratch(0, 16 * TB * C).data();
    float* Gd = scratch(1, 16 * TB * K).data();
    float* M = sums[thread].data();
    const float* zero = zeros_row(std::max(C, K));
    for (long b = static_cast<long>(b0); b < static_cast<long>(b1); b++) {
      const long t0 = b * TB, tb = std::min(TB, tl.count - t0);
      const float* d[16];
      const float* q[4];
      for (long t = 0; t < tb; t++) {
        patch(x, g, tl, t0 + t, zero, d);
        tf.in(d, static_cast<int>(C), V + t * C, tb * C, true);
        const long n = (t0 + t) / tl.per_image, rem = (t0 + t) % tl.per_image;
        const long oy = rem / tl.tw * 2, ox = rem % tl.tw * 2;
        for (int o = 0; o < 4; o++) {
          const long yy = oy + o / 2, xx = ox + o % 2;
          q[o] = yy < g.outH && xx < g.outW ? dy + ((n * g.outH + yy) * g.outW + xx) * K : zero;
        }
        tf.grad(q, static_cast<int>(K), Gd + t * K, tb * K);
      }
      for (int xi = 0; xi < 16; xi++)
        sgemm(C, K, tb, transposed(V + xi * tb * C, C), row_major(Gd + xi * tb * K, K), M + xi * CK, K, true, false);
    }
  });
  for (int t = 1; t < threads; t++)
    for (long e = 0; e < 16 * CK; e++) sums[0][e] += sums[t][e];
  // dw = A^T M A with A^T = [1 1 1 0; 0 1 -1 0; 0 1 1 1]
  const float* M = sums[0].data();
  for (long e = 0; e < CK; e++) {
    float q[4][4], r[3][4];
    for (int i = 0; i < 16; i++) q[i / 4][i % 4] = M[i * CK + e];
    for (int j = 0; j < 4; j++) {
      r[0][j] = q[0][j] + q[1][j] + q[2][j];
      r[1][j] = q[1][j] - q[2][j];
      r[2][j] = q[1][j] + q[2][j] + q[3][j];
    }
    for (int a = 0; a < 3; a++) {
      dw[(a * 3 + 0) * CK + e] = r[a][0] + r[a][1] + r[a][2];
      dw[(a * 3 + 1) * CK + e] = r[a][1] - r[a][2];
      dw[(a * 3 + 2) * CK + e] = r[a][1] + r[a][2] + r[a][3];
    }
  }
}

}  // namespace kerno
