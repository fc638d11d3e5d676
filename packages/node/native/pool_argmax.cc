// Max pooling that also says where each maximum is (its argmax), and the gradient routed by it.
// Training's pooled convolution (conv_pool.cc) keeps the argmax, a byte per pooled value, instead
// of the convolution's output: the backward pass needs nothing else. A window's cells are
// numbered row-major over the whole kH x kW window (padding cells included, never chosen); the
// argmax is the first cell equal to the maximum (TensorFlow's rule, as max_pool2d_grad), and
// kNoCell where none is (a window of NaNs).
#include <cstdint>
#include <cstring>
#include <limits>

#include "cpu.h"
#include "kernels.h"
#include "pool_window.h"
#include "threadpool.h"

#define KERNO_VARIANTS_OF "pool_argmax_kernel.inc"
#define KERNO_VARIANTS_AVX512 1
#include "isa_variants.inc"
#undef KERNO_VARIANTS_AVX512
#undef KERNO_VARIANTS_OF

namespace kerno {

namespace {

using WindowFn = void (*)(const float*, const float*, const float*, const float*, float*, uint8_t*, int, int, int);
using RouteFn = void (*)(const float*, const uint8_t*, float*, float*, float*, float*, int, int, int);

struct WindowFns {
  WindowFn argmax;
  RouteFn route;
};

WindowFns pick() {
#ifdef KERNO_X86
  switch (active_isa()) {
    case Isa::avx512: return {avx512::argmax_window_2x2, avx512::route_2x2};
    case Isa::avx2: return {avx2::argmax_window_2x2, avx2::route_2x2};
    default: break;
  }
#endif
  return {portable::argmax_window_2x2, portable::route_2x2};
}

const WindowFns& fns() {
  static const WindowFns f = pick();
  return f;
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
        fns().argmax(ra, ra + C, re, re + C, m, a, (w.y0 - ys) * g.kW + (w.x0 - xs), g.kW, C);
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
            fns().route(d, a, out, out + C, out + static_cast<long>(g.inW) * C, out + static_cast<long>(g.inW + 1) * C,
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
