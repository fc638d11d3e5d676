// Max and average pooling over NHWC windows; threads split the output rows.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels.h"
#include "pool_window.h"
#include "threadpool.h"

namespace kerno {
namespace {

using pooling::Window;
using pooling::window;
using pooling::for_rows;
using pooling::disjoint;

// best = max(best, v) and where = index of v where v is strictly larger, without branches
// (integer masks), so that it vectorizes: pooled values are in random order and a branch here
// mispredicts half the time.
void update_argmax(const float* __restrict v, int32_t base, float* __restrict best, int32_t* __restrict where, int C) {
  for (int c = 0; c < C; c++) {
    const float x = v[c], b = best[c];
    const int32_t more = -static_cast<int32_t>(x > b);
    best[c] = x > b ? x : b;
    where[c] = ((base + c) & more) | (where[c] & ~more);
  }
}

// One 2x2 window of the disjoint gradient (the usual pooling), the four cells a, b, e, f in
// registers across a vector of channels: the maximum as the general loop finds it (from -inf, a
// NaN never taken), the first cell equal to it takes the gradient; with kRelu only a positive
// maximum passes one, and what passes is summed into sums.
template <bool kRelu>
void window_grad_2x2(const float* __restrict va, const float* __restrict vb, const float* __restrict ve, const float* __restrict vf,
                     const float* __restrict d, float* __restrict oa, float* __restrict ob, float* __restrict oe, float* __restrict of,
                     float* __restrict sums, int C) {
  for (int c = 0; c < C; c++) {
    const float a = va[c], b = vb[c], e = ve[c], f = vf[c], g = d[c];
    float m = -std::numeric_limits<float>::infinity();
    m = a > m ? a : m;
    m = b > m ? b : m;
    m = e > m ? e : m;
    m = f > m ? f : m;
    const bool pass = !kRelu || m > 0.f;
    const bool ha = pass & (a == m), hb = pass & !ha & (b == m), he = pass & !ha & !hb & (e == m), hf = pass & !ha & !hb & !he & (f == m);
    oa[c] = ha ? g : 0.f;
    ob[c] = hb ? g : 0.f;
    oe[c] = he ? g : 0.f;
    of[c] = hf ? g : 0.f;
    if (kRelu) sums[c] += pass ? g : 0.f;
  }
}

// A 2x2 window wholly inside the image (the usual pool): its four cells a, b (upper row) and
// e, f (lower) in the general loop's order, so that both give the same bits (NaNs included).
void max_window_2x2(const float* __restrict a, const float* __restrict b, const float* __restrict e, const float* __restrict f,
                    float* __restrict out, int C) {
  for (int c = 0; c < C; c++) out[c] = pooling::max_of_2x2(a[c], b[c], e[c], f[c]);
}

}  // namespace

void max_pool2d_rows(const float* x, float* y, const PoolGeom& g, int oy0, int oy1) {
  const int C = g.channels;
  for (int oy = oy0; oy < oy1; oy++)
    for (int ox = 0; ox < g.outW; ox++) {
      const Window w = window(g, oy, ox);
      float* out = y + (static_cast<long>(oy) * g.outW + ox) * C;
      if (w.y1 - w.y0 == 2 && w.x1 - w.x0 == 2) {
        const float* a = x + (static_cast<long>(w.y0) * g.inW + w.x0) * C;
        const float* e = a + static_cast<long>(g.inW) * C;
        max_window_2x2(a, a + C, e, e + C, out, C);
        continue;
      }
      for (int c = 0; c < C; c++) out[c] = -std::numeric_limits<float>::infinity();
      for (int iy = w.y0; iy < w.y1; iy++)
        for (int ix = w.x0; ix < w.x1; ix++) {
          const float* src = x + (static_cast<long>(iy) * g.inW + ix) * C;
          for (int c = 0; c < C; c++) out[c] = src[c] > out[c] ? src[c] : out[c];
        }
    }
}

void max_pool2d(const float* x, float* y, const PoolGeom& g) {
  const long in_image = static_cast<long>(g.inH) * g.inW * g.channels, out_image = static_cast<long>(g.outH) * g.outW * g.channels;
  for_rows(g, [&](int n, int oy) { max_pool2d_rows(x + n * in_image, y + n * out_image, g, oy, oy + 1); });
}

// Overlapping windows: the gradient goes to the first maximal cell of each window (TensorFlow's rule). The argmax is
// recomputed here, vectorized across channels with blends rather than branches. Windows of
// neighbouring outputs may overlap, so threads split images, not rows.
// Windows that do not overlap (stride >= window, the usual 2x2/2): each input cell belongs to one
// window, so its gradient is written once, with blends instead of an indexed scatter.
// Only the cells outside every window are zeroed first (a window's cells are all written): zeroing
// whole images and writing them again cost a second pass over cats-vs-dogs' 130 MB first layer.
// With db, x is a relu's output and the gradient goes on to the relu's input: a window whose
// maximum is not positive passes none, and what passes is summed per channel into db.
void max_pool2d_grad_disjoint(const float* dy, const float* x, float* dx, const PoolGeom& g, float* db) {
  const int C = g.channels;
  const int threads = num_threads();
  std::vector<float> partial(db ? static_cast<std::size_t>(C) * threads : 0, 0.f);
  const long image = static_cast<long>(g.inH) * g.inW * C;
  const pooling::Covered covered(g);
  parallel_for(g.batch, 1, [&](std::size_t n0, std::size_t n1, int thread) {
    float* sums = db ? partial.data() + static_cast<std::size_t>(thread) * C : nullptr;
    std::vector<float> best(C), taken(C);
    float* bp = best.data();
    float* tp = taken.data();
    for (std::size_t n = n0; n < n1; n++) {
      const float* xi = x + n * image;
      float* dxi = dx + n * image;
      pooling::zero_uncovered(dxi, g, covered);
      for (int oy = 0; oy < g.outH; oy++)
        for (int ox = 0; ox < g.outW; ox++) {
          const Window w = window(g, oy, ox);
          const float* d = dy + ((static_cast<long>(n) * g.outH + oy) * g.outW + ox) * C;
          if (w.y1 - w.y0 == 2 && w.x1 - w.x0 == 2) {
            const long at = (static_cast<long>(w.y0) * g.inW + w.x0) * C, below = static_cast<long>(g.inW) * C;
            const float* v = xi + at;
            float* out = dxi + at;
            if (sums) window_grad_2x2<true>(v, v + C, v + below, v + below + C, d, out, out + C, out + below, out + below + C, sums, C);
            else window_grad_2x2<false>(v, v + C, v + below, v + below + C, d, out, out + C, out + below, out + below + C, nullptr, C);
            continue;
          }
          for (int c = 0; c < C; c++) { bp[c] = -std::numeric_limits<float>::infinity(); tp[c] = 0.f; }
          for (int iy = w.y0; iy < w.y1; iy++)
            for (int ix = w.x0; ix < w.x1; ix++) {
              const float* v = xi + (static_cast<long>(iy) * g.inW + ix) * C;
              for (int c = 0; c < C; c++) bp[c] = v[c] > bp[c] ? v[c] : bp[c];
            }
          if (sums) {
            // marking a non-positive maximum as already taken stops every cell of it
            for (int c = 0; c < C; c++) {
              const bool pass = bp[c] > 0.f;
              tp[c] = pass ? 0.f : 1.f;
              sums[c] += pass ? d[c] : 0.f;
            }
          }
          // the first cell equal to the maximum takes the gradient (TensorFlow's rule)
          for (int iy = w.y0; iy < w.y1; iy++)
            for (int ix = w.x0; ix < w.x1; ix++) {
              const long at = (static_cast<long>(iy) * g.inW + ix) * C;
              const float* v = xi + at;
              float* out = dxi + at;
              for (int c = 0; c < C; c++) {
                const float hit = ((v[c] == bp[c]) & (tp[c] == 0.f)) ? 1.f : 0.f;
                out[c] = hit * d[c];
                tp[c] += hit;
              }
            }
        }
    }
  });
  if (!db) return;
  for (int c = 0; c < C; c++) {
    float s = 0.f;
    for (int t = 0; t < threads; t++) s += partial[static_cast<std::size_t>(t) * C + c];
    db[c] = s;
  }
}

void max_pool2d_grad(const float* dy, const float* x, float* dx, const PoolGeom& g) {
  if (disjoint(g)) return max_pool2d_grad_disjoint(dy, x, dx, g, nullptr);
  const int C = g.channels;
  const long image = static_cast<long>(g.inH) * g.inW * C;
  parallel_for(g.batch, 1, [&](std::size_t n0, std::size_t n1, int) {
    std::memset(dx + n0 * image, 0, sizeof(float) * (n1 - n0) * image);
    std::vector<float> best(C);
    std::vector<int32_t> where(C);
    float* bp = best.data();
    int32_t* wp = where.data();
    for (std::size_t n = n0; n < n1; n++) {
      const float* xi = x + n * image;
      float* dxi = dx + n * image;
      for (int oy = 0; oy < g.outH; oy++)
        for (int ox = 0; ox < g.outW; ox++) {
          const Window w = window(g, oy, ox);
          const int32_t first = (w.y0 * g.inW + w.x0) * C;
          for (int c = 0; c < C; c++) { bp[c] = xi[first + c]; wp[c] = first + c; }
          for (int iy = w.y0; iy < w.y1; iy++)
            for (int ix = w.x0; ix < w.x1; ix++) {
              const int32_t base = (iy * g.inW + ix) * C;
              if (base == first) continue;
              update_argmax(xi + base, base, bp, wp, C);
            }
          const float* d = dy + ((static_cast<long>(n) * g.outH + oy) * g.outW + ox) * C;
          for (int c = 0; c < C; c++) dxi[wp[c]] += d[c];
        }
    }
  });
}

void max_pool2d_relu_grad(const float* dy, const float* x, float* dz, float* db, const PoolGeom& g) {
  if (disjoint(g)) return max_pool2d_grad_disjoint(dy, x, dz, g, db);
  // overlapping windows: the two passes (relu's gradient in place: each element read, then written)
  max_pool2d_grad(dy, x, dz, g);
  const std::size_t n = static_cast<std::size_t>(g.batch) * g.inH * g.inW * g.channels;
  bias_activation_grad(dz, x, dz, db, n, g.channels, ACT_RELU);
}

void avg_pool2d(const float* x, float* y, const PoolGeom& g) {
  const int C = g.channels;
  for_rows(g, [&](int n, int oy) {
    for (int ox = 0; ox < g.outW; ox++) {
      const Window w = window(g, oy, ox);
      float* out = y + ((static_cast<long>(n) * g.outH + oy) * g.outW + ox) * C;
      for (int c = 0; c < C; c++) out[c] = 0.f;
      for (int iy = w.y0; iy < w.y1; iy++)
        for (int ix = w.x0; ix < w.x1; ix++) {
          const float* src = x + ((static_cast<long>(n) * g.inH + iy) * g.inW + ix) * C;
          for (int c = 0; c < C; c++) out[c] += src[c];
        }
      const float inv = 1.f / std::max(1, (w.y1 - w.y0) * (w.x1 - w.x0));
      for (int c = 0; c < C; c++) out[c] *= inv;
    }
  });
}

void avg_pool2d_grad(const float* dy, float* dx, const PoolGeom& g) {
  const int C = g.channels;
  const long image = static_cast<long>(g.inH) * g.inW * C;
  parallel_for(g.batch, 1, [&](std::size_t n0, std::size_t n1, int) {
    std::memset(dx + n0 * image, 0, sizeof(float) * (n1 - n0) * image);
    for (std::size_t n = n0; n < n1; n++)
      for (int oy = 0; oy < g.outH; oy++)
        for (int ox = 0; ox < g.outW; ox++) {
          const Window w = window(g, oy, ox);
          const float inv = 1.f / std::max(1, (w.y1 - w.y0) * (w.x1 - w.x0));
          const float* d = dy + ((static_cast<long>(n) * g.outH + oy) * g.outW + ox) * C;
          for (int iy = w.y0; iy < w.y1; iy++)
            for (int ix = w.x0; ix < w.x1; ix++) {
              float* dst = dx + ((static_cast<long>(n) * g.inH + iy) * g.inW + ix) * C;
              for (int c = 0; c < C; c++) dst[c] += d[c] * inv;
            }
        }
  });
}

}  // namespace kerno
