// Max pooling that also says where each maximum is (its argmax), and the gradient routed by it.
// Training's pooled convolution (conv_pool.cc) keeps the argmax, a byte per pooled value, instead
// of the convolution's output: the backward pass needs nothing else. A window's cells are
// numbered row-major over the whole kH x kW window (padding cells included, never chosen); the
// argmax is the first cell equal to the maximum (TensorFlow's rule, as max_pool2d_grad), and
// kNoCell where none is (a window of NaNs).
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels.h"
#include "pool_window.h"
#include "threadpool.h"

namespace kerno {

namespace {

// A 2x2 window wholly inside the image (the usual pool), its cells a, b (upper row) and e, f
// (lower) numbered ca, ca + 1, ca + kW, ca + kW + 1: the maximum as max_pool2d's 2x2 loop finds it,
// and the first cell equal to it. All float until the store (cell numbers are small integers),
// so that the channel loop vectorizes (a per-channel byte blend did not: 4x slower).
void argmax_window_2x2(const float* __restrict a, const float* __restrict b, const float* __restrict e, const float* __restrict f,
                       float* __restrict out, uint8_t* __restrict arg, int ca, int kW, int C) {
  const float na = static_cast<float>(ca), nb = na + 1.f, ne = na + static_cast<float>(kW), nf = ne + 1.f;
  for (int c = 0; c < C; c++) {
    const float m = pooling::max_of_2x2(a[c], b[c], e[c], f[c]);
    float cell = f[c] == m ? nf : static_cast<float>(kNoCell);
    cell = e[c] == m ? ne : cell;
    cell = b[c] == m ? nb : cell;
    cell = a[c] == m ? na : cell;
    out[c] = m;
    arg[c] = static_cast<uint8_t>(static_cast<int>(cell));
  }
}

// One disjoint 2x2 window's gradient (cells as argmax_window_2x2's): each of its four cells gets
// dy or 0, compared as floats so that the channel loop vectorizes.
void route_2x2(const float* __restrict d, const uint8_t* __restrict arg, float* __restrict oa, float* __restrict ob, float* __restrict oe,
               float* __restrict of, int ca, int kW, int C) {
  const float na = static_cast<float>(ca), nb = na + 1.f, ne = na + static_cast<float>(kW), nf = ne + 1.f;
  for (int c = 0; c < C; c++) {
    const float cell = static_cast<float>(arg[c]), g = d[c];
    oa[c] = cell == na ? g : 0.f;
    ob[c] = cell == nb ? g : 0.f;
    oe[c] = cell == ne ? g : 0.f;
    of[c] = cell == nf ? g : 0.f;
  }
}

}  // namespace

void max_pool2d_argmax_rows(const float* x, float* y, uint8_t* arg, const PoolGeom& g, int oy0, int oy1) {
  const int C = g.channels;
  for (int oy = oy0; oy < oy1; oy++)
    for (int ox = 0; ox < g.outW; ox++) {
      const pooling::Window w = pooling::window(g, oy, ox);
      const int ys = oy * g.strideH - g.padTop, xs = ox * g.strideW - g.padLeft;
      const long o = (static_cast<long>(oy) * g.outW + ox) * C;
      float* __restrict m = y + o;
      uint8_t* __restrict a = arg + o;
      if (w.y1 - w.y0 == 2 && w.x1 - w.x0 == 2) {
        const float* ra = x + (static_cast<long>(w.y0) * g.inW + w.x0) * C;
        const float* re = ra + static_cast<long>(g.inW) * C;
        argmax_window_2x2(ra, ra + C, re, re + C, m, a, (w.y0 - ys) * g.kW + (w.x0 - xs), g.kW, C);
        continue;
      }
      for (int c = 0; c < C; c++) {
        m[c] = -std::numeric_limits<float>::infinity();
        a[c] = kNoCell;
      }
      for (int iy = w.y0; iy < w.y1; iy++)
        for (int ix = w.x0; ix < w.x1; ix++) {
          const float* __restrict v = x + (static_cast<long>(iy) * g.inW + ix) * C;
          const uint8_t cell = static_cast<uint8_t>((iy - ys) * g.kW + (ix - xs));
          // the maximum as max_pool2d finds it (from -inf, a NaN never taken), blended per channel
          for (int c = 0; c < C; c++) {
            const bool take = (v[c] > m[c]) | ((a[c] == kNoCell) & (v[c] == m[c]));
            m[c] = take ? v[c] : m[c];
            a[c] = take ? cell : a[c];
          }
        }
    }
}

void max_pool2d_argmax(const float* x, float* y, uint8_t* arg, const PoolGeom& g) {
  const long in_image = static_cast<long>(g.inH) * g.inW * g.channels, out_image = static_cast<long>(g.outH) * g.outW * g.channels;
  pooling::for_rows(g, [&](int n, int oy) { max_pool2d_argmax_rows(x + n * in_image, y + n * out_image, arg + n * out_image, g, oy, oy + 1); });
}

// Each window's gradient goes to its argmax cell. Disjoint windows write each covered cell once
// (the gradient or 0) and zero only the cells no window covers; overlapping ones add into zeroed
// images. Threads split images, so that overlapping windows never race.
void max_pool2d_argmax_grad(const float* dy, const uint8_t* arg, float* dx, const PoolGeom& g) {
  const int C = g.channels;
  const long image = static_cast<long>(g.inH) * g.inW * C;
  const bool disjoint = pooling::disjoint(g);
  const pooling::Covered covered(g);
  parallel_for(g.batch, 1, [&](std::size_t n0, std::size_t n1, int) {
    for (std::size_t n = n0; n < n1; n++) {
      float* dxi = dx + n * image;
      if (disjoint) pooling::zero_uncovered(dxi, g, covered);
      else std::memset(dxi, 0, sizeof(float) * image);
      for (int oy = 0; oy < g.outH; oy++)
        for (int ox = 0; ox < g.outW; ox++) {
          const pooling::Window w = pooling::window(g, oy, ox);
          const int ys = oy * g.strideH - g.padTop, xs = ox * g.strideW - g.padLeft;
          const long o = ((static_cast<long>(n) * g.outH + oy) * g.outW + ox) * C;
          const float* __restrict d = dy + o;
          const uint8_t* __restrict a = arg + o;
          if (disjoint && w.y1 - w.y0 == 2 && w.x1 - w.x0 == 2) {
            float* out = dxi + (static_cast<long>(w.y0) * g.inW + w.x0) * C;
            route_2x2(d, a, out, out + C, out + static_cast<long>(g.inW) * C, out + static_cast<long>(g.inW + 1) * C,
                      (w.y0 - ys) * g.kW + (w.x0 - xs), g.kW, C);
            continue;
          }
          for (int iy = w.y0; iy < w.y1; iy++)
            for (int ix = w.x0; ix < w.x1; ix++) {
              float* __restrict out = dxi + (static_cast<long>(iy) * g.inW + ix) * C;
              const uint8_t cell = static_cast<uint8_t>((iy - ys) * g.kW + (ix - xs));
              if (disjoint)
                for (int c = 0; c < C; c++) out[c] = a[c] == cell ? d[c] : 0.f;
              else
                for (int c = 0; c < C; c++) out[c] += a[c] == cell ? d[c] : 0.f;
            }
        }
    }
  });
}

}  // namespace kerno
