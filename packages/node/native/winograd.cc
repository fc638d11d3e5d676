// Winograd convolutions for 3x3 kernels at stride 1 (Lavin and Gray, 2015). F(m x m, 3x3) turns
// each m x m block of outputs into alpha^2 = (m + 2)^2 products per input and output channel
// instead of 9 m^2: F(2x2, 3x3) takes 16 instead of 36, F(4x4, 3x3) 36 instead of 144, as alpha^2
// matrix products (tiles x in-channels) x (in-channels x out-channels) between transforms.
// The input gradient runs as a forward pass with the kernel turned (conv.cc); the filter gradient uses F(3x3, 2x2), summing over tiles inside 16 products.
// Tiles go in blocks sized to keep a block's transforms in L2; threads take whole blocks.
// Which pass runs which tile (or the GEMM) is chosen by timing in conv.cc.
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
using InputTransform4Fn = void (*)(const float* const*, int, float*, long);
using OutputTransformFn = void (*)(const float*, long, int, float* const*, const float*, int);
using GradTransformFn = void (*)(const float* const*, int, float*, long);
using FilterTransformFn = void (*)(const float*, long, long, long, const float*, int, float*);
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
  InputTransform4Fn in4;
  OutputTransformFn out, out4;
  GradTransformFn grad;
  FilterTransformFn filter;
};

#define KERNO_TRANSFORMS(ns) \
  Transforms { ns::input_transform, ns::input_transform4, ns::output_transform, ns::output_transform4, ns::grad_transform, ns::filter_transform }
Transforms pick() {
#ifdef KERNO_X86
  switch (active_isa()) {
    case Isa::avx512: return KERNO_TRANSFORMS(avx512);
    case Isa::avx2: return KERNO_TRANSFORMS(avx2);
    default: break;
  }
#endif
  return KERNO_TRANSFORMS(portable);
}
#undef KERNO_TRANSFORMS

const Transforms& transforms() {
  static const Transforms t = pick();
  return t;
}

// One Winograd scheme F(m x m, 3x3): output tiles of m x m from input tiles of alpha = m + 2,
// and G (alpha x 3), whose outer products give the filter transform's coefficients.
struct Scheme {
  int m, alpha;
  float coef[36 * 9];  // coef[xi * 9 + a * 3 + b] = G[i][a] * G[j][b], xi = i * alpha + j
  Scheme(int m_, const float (*G)[3]) : m(m_), alpha(m_ + 2) {
    for (int i = 0; i < alpha; i++)
      for (int j = 0; j < alpha; j++)
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++) coef[(i * alpha + j) * 9 + a * 3 + b] = G[i][a] * G[j][b];
  }
  int points() const { return alpha * alpha; }
};

const Scheme& scheme(int m) {
  static const float G2[4][3] = {{1, 0, 0}, {.5f, .5f, .5f}, {.5f, -.5f, .5f}, {0, 0, 1}};
  static const float G4[6][3] = {{1, 0, 0}, {1.f / 3, 1.f / 3, 1.f / 3}, {-1.f / 3, 1.f / 3, -1.f / 3},
                                 {1.f / 15, -2.f / 15, 4.f / 15}, {-16.f / 15, -8.f / 15, -4.f / 15}, {0, 0, 1}};
  static const Scheme f2(2, G2), f4(4, G4);
  return m == 4 ? f4 : f2;
}

// U[xi][c][k] = (G w G^T)[xi] for each (c, k), in parallel slices of the channel pairs.
void filter_transform(const float* w, long CK, const Scheme& s, float* U) {
  const FilterTransformFn fn = transforms().filter;
  parallel_for(CK, 4096, [&](std::size_t e0, std::size_t e1, int) {
    for (std::size_t b = e0; b < e1; b += 2048) fn(w, CK, b, std::min(e1, b + 2048), s.coef, s.points(), U);
  });
}

// Tiles per block: a block's transformed tiles of in- and out-channels take about 2 MB and at
// least 48 tiles (smaller products run slowly); then evened out so every thread gets as many blocks.
long tile_block(long C, long K, int points, long tiles) {
  const long tb = (2 * 1024 * 1024 / 4) / (points * (C + K));
  long TB = std::max<long>(48, std::min<long>(480, tb / 6 * 6));
  const long threads = num_threads();
  long blocks = (tiles + TB - 1) / TB;
  blocks = (blocks + threads - 1) / threads * threads;
  TB = std::max<long>(6, ((tiles + blocks - 1) / blocks + 5) / 6 * 6);
  return TB;
}

// Per-thread buffers that keep their largest size: 0, 1 a block's transforms, 2, 3 the zero and
// sink rows, 4, 5 the calling thread's transformed and packed kernels (up to 36 MB each on
// VGG16's 512-channel layers, whose page faults cost milliseconds a call if freed each time), 6
// every tile's transforms for the point-by-point way, input's and output's in one (up to
// kWinogradByPointMaxBytes). A buffer grows to the exact size asked: resize doubled it, and a 63
// MB and a 115 MB one stayed after cats-vs-dogs' validation.
std::vector<float>& scratch(int which, std::size_t floats) {
  thread_local std::vector<float> bufs[7];
  if (bufs[which].size() < floats) {
    std::vector<float>().swap(bufs[which]);
    bufs[which].resize(floats);
  }
  return bufs[which];
}

// A row of zeros for pixels outside the image, and a row that swallows outputs outside it.
const float* zeros_row(std::size_t floats) {
  std::vector<float>& z = scratch(2, floats);
  return z.data();
}
float* sink_row(std::size_t floats) { return scratch(3, floats).data(); }

struct Tiles {
  long m, th, tw, per_image, count;
  Tiles(const ConvGeom& g, int m_)
      : m(m_), th((g.outH + m_ - 1) / m_), tw((g.outW + m_ - 1) / m_), per_image(th * tw), count(static_cast<long>(g.batch) * th * tw) {}
  // image and top-left output pixel of tile t
  void origin(long t, long& n, long& oy, long& ox) const {
    n = t / per_image;
    const long rem = t % per_image;
    oy = rem / tw * m;
    ox = rem % tw * m;
  }
};

// The alpha x alpha input rows of tile t, from (m*ty - padTop, m*tx - padLeft); zero outside.
void patch(const float* x, const ConvGeom& g, const Tiles& tl, long t, const float* zero, const float** d) {
  const int alpha = static_cast<int>(tl.m) + 2;
  long n, oy, ox;
  tl.origin(t, n, oy, ox);
  for (int i = 0; i < alpha; i++)
    for (int j = 0; j < alpha; j++) {
      const long iy = oy - g.padTop + i, ix = ox - g.padLeft + j;
      d[i * alpha + j] = iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW ? x + ((n * g.inH + iy) * g.inW + ix) * g.inC : zero;
    }
}

bool shape_fits(const ConvGeom& g) {
  return g.kH == 3 && g.kW == 3 && g.strideH == 1 && g.strideW == 1 && g.dilH == 1 && g.dilW == 1 && g.padTop <= 2 &&
         g.padLeft <= 2 && g.inC >= 16 && g.outC >= 16 && g.outH >= 2 && g.outW >= 2;
}

}  // namespace

bool winograd_fits(const ConvGeom& g, WinogradPass pass, int m) {
  if (!shape_fits(g)) return false;
  if (pass == WinogradPass::filter) return m == 2;  // F(3x3, 2x2) only
  return m == 2 || (m == 4 && g.outH >= 4 && g.outW >= 4);
}

namespace {

// The kernels' transforms, each point's C x K matrix packed once for all the products against it.
// Returns the calling thread's buffer of P packed matrices, `packed` floats apart.
const float* packed_kernels(const float* w, const Scheme& s, long C, long K, std::size_t& packed) {
  const int P = s.points();
  float* U = scratch(4, P * C * K).data();
  filter_transform(w, C * K, s, U);
  packed = sgemm_packed_b_floats(static_cast<int>(C), static_cast<int>(K));
  float* PU = scratch(5, P * packed).data();
  parallel_for(P, 1, [&](std::size_t x0, std::size_t x1, int) {
    for (std::size_t xi = x0; xi < x1; xi++) sgemm_pack_b(static_cast<int>(C), static_cast<int>(K), row_major(U + xi * C * K, K), PU + xi * packed);
  });
  return PU;
}

// Input transform of tile t into rows v[xi * vs], from the tile's alpha x alpha input pixels.
void transform_tile(const float* x, const ConvGeom& g, const Tiles& tl, long t, const float* zero, float* v, long vs) {
  const float* d[36];
  patch(x, g, tl, t, zero, d);
  if (tl.m == 4) transforms().in4(d, g.inC, v, vs);
  else transforms().in(d, g.inC, v, vs, false);
}

// Output transform of tile t from rows mt[xi * ms], plus bias and activation, into y.
void output_tile(const float* mt, long ms, const ConvGeom& g, const Tiles& tl, long t, float* sink, float* y, const float* bias, int act) {
  const int m = static_cast<int>(tl.m);
  long n, oy, ox;
  tl.origin(t, n, oy, ox);
  float* out[16];
  for (int o = 0; o < m * m; o++) {
    const long yy = oy + o / m, xx = ox + o % m;
    out[o] = yy < g.outH && xx < g.outW ? y + ((n * g.outH + yy) * g.outW + xx) * g.outC : sink;
  }
  (m == 4 ? transforms().out4 : transforms().out)(mt, ms, g.outC, out, bias, act);
}

}  // namespace

void winograd_conv3x3(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act, int m) {
  const Scheme& s = scheme(m);
  const int P = s.points();
  const long C = g.inC, K = g.outC;
  const Tiles tl(g, s.m);
  std::size_t packed = 0;
  const float* PU = packed_kernels(w, s, C, K, packed);
  const long TB = tile_block(C, K, P, tl.count);
  const long blocks = (tl.count + TB - 1) / TB;
  parallel_chunks(blocks, 1, [&](std::size_t b0, std::size_t b1, int) {
    float* V = scratch(0, P * TB * C).data();
    float* M = scratch(1, P * TB * K).data();
    const float* zero = zeros_row(C);
    float* sink = sink_row(K);
    for (long b = static_cast<long>(b0); b < static_cast<long>(b1); b++) {
      const long t0 = b * TB, tb = std::min(TB, tl.count - t0);
      for (long t = 0; t < tb; t++) transform_tile(x, g, tl, t0 + t, zero, V + t * C, tb * C);
      for (int xi = 0; xi < P; xi++) {
        const MatRef A = row_major(V + xi * tb * C, C);
        sgemm_prepacked(0, static_cast<int>(tb), static_cast<int>(K), static_cast<int>(C), strided_packer(&A), PU + xi * packed,
                        M + xi * tb * K, K, false, nullptr);
      }
      for (long t = 0; t < tb; t++) output_tile(M + t * K, tb * K, g, tl, t0 + t, sink, y, bias, act);
    }
  });
}

bool winograd_by_point_fits(const ConvGeom& g, int m) {
  const Tiles tl(g, m);
  const long P = (m + 2) * (m + 2);
  return winograd_fits(g, WinogradPass::forward, m) && P * tl.count * (g.inC + g.outC) * 4 <= kWinogradByPointMaxBytes;
}

void winograd_conv3x3_by_point(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act, int m) {
  const Scheme& s = scheme(m);
  const int P = s.points();
  const long C = g.inC, K = g.outC;
  const Tiles tl(g, s.m);
  const long T = tl.count;
  std::size_t packed = 0;
  const float* PU = packed_kernels(w, s, C, K, packed);
  float* V = scratch(6, static_cast<std::size_t>(P) * T * (C + K)).data();
  float* M = V + static_cast<std::size_t>(P) * T * C;
  parallel_chunks(T, 8, [&](std::size_t t0, std::size_t t1, int) {
    const float* zero = zeros_row(C);
    for (std::size_t t = t0; t < t1; t++) transform_tile(x, g, tl, static_cast<long>(t), zero, V + t * C, T * C);
  });
  // units of (point, run of rows): a thread's contiguous units mostly share a point's kernels
  const long runs = (T + 191) / 192;
  const long rows = ((T + runs - 1) / runs + kGemmMR - 1) / kGemmMR * kGemmMR;
  parallel_chunks(P * runs, 1, [&](std::size_t u0, std::size_t u1, int) {
    for (std::size_t u = u0; u < u1; u++) {
      const long xi = static_cast<long>(u) / runs, i0 = static_cast<long>(u) % runs * rows;
      const MatRef A = row_major(V + xi * T * C, C);
      sgemm_prepacked(static_cast<int>(i0), static_cast<int>(std::min(T, i0 + rows)), static_cast<int>(K), static_cast<int>(C),
                      strided_packer(&A), PU + xi * packed, M + xi * T * K, K, false, nullptr);
    }
  });
  parallel_chunks(T, 8, [&](std::size_t t0, std::size_t t1, int) {
    float* sink = sink_row(K);
    for (std::size_t t = t0; t < t1; t++) output_tile(M + t * K, T * K, g, tl, static_cast<long>(t), sink, y, bias, act);
  });
}

void winograd_backprop_filter(const float* x, const float* dy, float* dw, const ConvGeom& g) {
  const long C = g.inC, K = g.outC, CK = C * K;
  const Tiles tl(g, 2);
  const long TB = tile_block(C, K, 16, tl.count);
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
        long n, oy, ox;
        tl.origin(t0 + t, n, oy, ox);
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
