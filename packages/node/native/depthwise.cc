// Depthwise 2-D convolution in NHWC with a [kh, kw, channels, multiplier] kernel (MobileNet's
// building block): each input channel has its own filters. Loops run over contiguous channels so
// they vectorize; output rows are split across the thread pool, and the filter gradient is summed
// per thread, then reduced.
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels.h"
#include "threadpool.h"

namespace kerno {
namespace {

// Calls f(out_pixel, in_pixel, tap) for the kernel taps of output pixel (n, oy, ox) inside the input.
template <typename F>
inline void taps(const ConvGeom& g, long n, long oy, long ox, F f) {
  for (long ky = 0; ky < g.kH; ky++) {
    const long iy = oy * g.strideH - g.padTop + ky * g.dilH;
    if (iy < 0 || iy >= g.inH) continue;
    for (long kx = 0; kx < g.kW; kx++) {
      const long ix = ox * g.strideW - g.padLeft + kx * g.dilW;
      if (ix >= 0 && ix < g.inW) f((n * g.inH + iy) * g.inW + ix, ky * g.kW + kx);
    }
  }
}

}  // namespace

void depthwise_conv2d(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act) {
  const long C = g.inC, M = g.outC / g.inC, OC = g.outC;
  const std::size_t rows = static_cast<std::size_t>(g.batch) * g.outH;
  parallel_for(rows, 1, [&](std::size_t r0, std::size_t r1, int) {
    for (std::size_t r = r0; r < r1; r++) {
      const long n = static_cast<long>(r) / g.outH, oy = static_cast<long>(r) % g.outH;
      for (long ox = 0; ox < g.outW; ox++) {
        float* out = y + (r * g.outW + ox) * OC;
        if (bias) std::memcpy(out, bias, sizeof(float) * OC);
        else std::memset(out, 0, sizeof(float) * OC);
        taps(g, n, oy, ox, [&](long i, long tap) {
          const float* in = x + i * C;
          const float* k = w + tap * OC;
          if (M == 1) {
            for (long c = 0; c < C; c++) out[c] += in[c] * k[c];
          } else {
            for (long c = 0; c < C; c++)
              for (long j = 0; j < M; j++) out[c * M + j] += in[c] * k[c * M + j];
          }
        });
        if (act == ACT_RELU) for (long c = 0; c < OC; c++) out[c] = out[c] > 0 ? out[c] : 0.f;
        else act_map(act, out, out, OC);
      }
    }
  });
}

void depthwise_conv2d_backprop_input(const float* dy, const float* w, float* dx, const ConvGeom& g) {
  const long C = g.inC, M = g.outC / g.inC, OC = g.outC;
  // images are independent: each thread owns whole images of dx
  std::memset(dx, 0, sizeof(float) * g.batch * g.inH * g.inW * C);
  parallel_for(g.batch, 1, [&](std::size_t b0, std::size_t b1, int) {
    for (long n = static_cast<long>(b0); n < static_cast<long>(b1); n++)
      for (long oy = 0; oy < g.outH; oy++)
        for (long ox = 0; ox < g.outW; ox++) {
          const float* d = dy + ((n * g.outH + oy) * g.outW + ox) * OC;
          taps(g, n, oy, ox, [&](long i, long tap) {
            float* out = dx + i * C;
            const float* k = w + tap * OC;
            if (M == 1) {
              for (long c = 0; c < C; c++) out[c] += d[c] * k[c];
            } else {
              for (long c = 0; c < C; c++) {
                float s = 0.f;
                for (long j = 0; j < M; j++) s += d[c * M + j] * k[c * M + j];
                out[c] += s;
              }
            }
          });
        }
  });
}

void depthwise_conv2d_backprop_filter(const float* x, const float* dy, float* dw, const ConvGeom& g) {
  const long C = g.inC, OC = g.outC, M = g.outC / g.inC;
  const std::size_t K = static_cast<std::size_t>(g.kH) * g.kW * OC;
  const int threads = num_threads();
  std::vector<float> partial(K * threads, 0.f);
  const std::size_t rows = static_cast<std::size_t>(g.batch) * g.outH;
  parallel_for(rows, 1, [&](std::size_t r0, std::size_t r1, int t) {
    float* acc = partial.data() + t * K;
    for (std::size_t r = r0; r < r1; r++) {
      const long n = static_cast<long>(r) / g.outH, oy = static_cast<long>(r) % g.outH;
      for (long ox = 0; ox < g.outW; ox++) {
        const float* d = dy + (r * g.outW + ox) * OC;
        taps(g, n, oy, ox, [&](long i, long tap) {
          const float* in = x + i * C;
          float* k = acc + tap * OC;
          for (long c = 0; c < C; c++)
            for (long j = 0; j < M; j++) k[c * M + j] += in[c] * d[c * M + j];
        });
      }
    }
  });
  for (std::size_t i = 0; i < K; i++) {
    float s = 0.f;
    for (int t = 0; t < threads; t++) s += partial[t * K + i];
    dw[i] = s;
  }
}

}  // namespace kerno
