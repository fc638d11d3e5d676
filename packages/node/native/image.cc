// Batched projective image transforms (TensorFlow's ImageProjectiveTransformV3), the warp behind
// the augmentation layers: each output pixel samples the input at its transformed coordinate,
// bilinear or nearest, with Keras's fill modes. Rows of output are split across the thread pool.
// Also the resize of a photo's bytes as it is loaded (resize_bytes).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels.h"
#include "threadpool.h"

namespace kerno {
namespace {

// Where a coordinate outside [0, len - 1] reads from (constant mode: unchanged, filled on read).
inline float map_coordinate(float c, long len, int mode) {
  switch (mode) {
    case FILL_CONSTANT: return c;
    case FILL_NEAREST: return c < 0 ? 0.f : c > len - 1 ? static_cast<float>(len - 1) : c;
    case FILL_REFLECT:
    case FILL_WRAP: break;
    default: unknown_op("fill mode", mode);
  }
  float v = c;
  if (len <= 1) {
    v = 0;
  } else if (mode == FILL_REFLECT) {
    const float sz2 = 2.f * len;
    if (v < 0) {
      if (v < -sz2) v = sz2 * std::trunc(-v / sz2) + v;
      v = v < -len ? v + sz2 : -v - 1;
    } else if (v > len - 1) {
      v -= sz2 * std::trunc(v / sz2);
      if (v >= len) v = sz2 - v - 1;
    }
  } else if (v < 0) {
    v += len * (std::trunc(-v / (len - 1)) + 1);
  } else if (v > len - 1) {
    v -= len * std::trunc(v / (len - 1));
  }
  return v < 0 ? 0.f : v > len - 1 ? static_cast<float>(len - 1) : v;
}

}  // namespace

void image_transform(const float* x, const float* t, float* y, const TransformGeom& g) {
  if (g.interp != INTERP_BILINEAR && g.interp != INTERP_NEAREST) unknown_op("interpolation", g.interp);
  const long C = g.channels, H = g.inH, W = g.inW;
  const std::size_t rows = static_cast<std::size_t>(g.batch) * g.outH;
  parallel_for(rows, 8, [&](std::size_t r0, std::size_t r1, int) {
    for (std::size_t r = r0; r < r1; r++) {
      const long b = static_cast<long>(r) / g.outH, oy = static_cast<long>(r) % g.outH;
      const float* m = t + b * 8;
      const float* img = x + b * H * W * C;
      float* out = y + r * g.outW * C;
      // a pixel, or the fill value where (py, px) is outside the image
      auto at = [&](long py, long px, long c) { return py < 0 || py >= H || px < 0 || px >= W ? g.fill : img[(py * W + px) * C + c]; };
      for (long ox = 0; ox < g.outW; ox++) {
        float* o = out + ox * C;
        const float k = m[6] * ox + m[7] * oy + 1.f;
        if (k == 0.f) {
          for (long c = 0; c < C; c++) o[c] = g.fill;
          continue;
        }
        const float sx = map_coordinate((m[0] * ox + m[1] * oy + m[2]) / k, W, g.fill_mode);
        const float sy = map_coordinate((m[3] * ox + m[4] * oy + m[5]) / k, H, g.fill_mode);
        if (g.interp == INTERP_NEAREST) {
          const long py = std::lround(sy), px = std::lround(sx);
          for (long c = 0; c < C; c++) o[c] = at(py, px, c);
          continue;
        }
        const long x0 = static_cast<long>(std::floor(sx)), y0 = static_cast<long>(std::floor(sy));
        const float fx = sx - x0, fy = sy - y0;
        const float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        const bool inside = x0 >= 0 && y0 >= 0 && x0 + 1 < W && y0 + 1 < H;
        if (inside) {
          const float* p = img + (y0 * W + x0) * C;
          for (long c = 0; c < C; c++) o[c] = w00 * p[c] + w01 * p[C + c] + w10 * p[W * C + c] + w11 * p[W * C + C + c];
        } else {
          for (long c = 0; c < C; c++) {
            float v = 0.f;
            if (w00 != 0.f) v += w00 * at(y0, x0, c);
            if (w01 != 0.f) v += w01 * at(y0, x0 + 1, c);
            if (w10 != 0.f) v += w10 * at(y0 + 1, x0, c);
            if (w11 != 0.f) v += w11 * at(y0 + 1, x0 + 1, c);
            o[c] = v;
          }
        }
      }
    }
  });
}

namespace {

// One axis of tf.image.resize with half-pixel centers, as resize.ts's loadingTaps computes it, in
// integers (the same taps on every CPU, fused multiply-adds or not): the source position
// (o + 0.5) in / out - 0.5 is ((2o + 1) in - out) / (2 out); lo and hi are the two source indices
// and `weight` hi's weight in 11-bit fixed point, rounded half up.
constexpr int kWeightBits = 11;
constexpr int32_t kWeightOne = 1 << kWeightBits;

struct Taps {
  std::vector<long> lo, hi;
  std::vector<int32_t> weight;
};

Taps bilinear_taps(long in, long out) {
  Taps t{std::vector<long>(out), std::vector<long>(out), std::vector<int32_t>(out)};
  const int64_t den = 2 * static_cast<int64_t>(out);
  for (long o = 0; o < out; o++) {
    const int64_t num = (2 * static_cast<int64_t>(o) + 1) * in - out;
    if (num < 0) continue;  // before the first pixel's center: the first pixel
    const int64_t f = num / den, rem = num - f * den;
    t.lo[o] = static_cast<long>(std::min<int64_t>(f, in - 1));
    t.hi[o] = static_cast<long>(std::min<int64_t>(f + 1, in - 1));
    t.weight[o] = static_cast<int32_t>((2 * rem * kWeightOne + den) / (2 * den));
  }
  return t;
}

// Each output row: its two source rows blended vertically into `mix` (over the window's whole
// width, which vectorizes), then each pixel's two columns of `mix` blended horizontally; integer
// sums (at most 255 << 22) are exact in any order, so every backend gives the same whole numbers.
// kC: the channel count when known at compile time (0: `channels`).
template <int kC>
void bilinear_rows(const uint8_t* origin, long stride, long width, const Taps& ty, const Taps& tx, float* y, long channels = kC) {
  const long C = kC ? kC : channels, outH = static_cast<long>(ty.lo.size()), outW = static_cast<long>(tx.lo.size());
  constexpr int32_t half = 1 << (2 * kWeightBits - 1);
  std::vector<int32_t> mix(width * C);
  for (long oy = 0; oy < outH; oy++) {
    const uint8_t* r0 = origin + ty.lo[oy] * stride;
    const uint8_t* r1 = origin + ty.hi[oy] * stride;
    const int32_t wy = ty.weight[oy];
    for (long i = 0; i < width * C; i++) mix[i] = r0[i] * kWeightOne + (r1[i] - r0[i]) * wy;
    for (long ox = 0; ox < outW; ox++) {
      const int32_t* a = mix.data() + tx.lo[ox] * C;
      const int32_t* b = mix.data() + tx.hi[ox] * C;
      const int32_t wx = tx.weight[ox];
      for (long c = 0; c < C; c++) *y++ = static_cast<float>((a[c] * kWeightOne + (b[c] - a[c]) * wx + half) >> (2 * kWeightBits));
    }
  }
}

}  // namespace

// Image loading's resize: one image, on the calling thread (about 0.1 ms at course sizes, beside
// the decoding that runs in sharp's threads). Bilinear results are rounded to whole numbers.
void resize_bytes(const uint8_t* src, const ByteResizeGeom& g, float* y) {
  const long C = g.channels, stride = static_cast<long>(g.srcW) * C;
  const uint8_t* origin = src + (static_cast<long>(g.top) * g.srcW + g.left) * C;
  if (g.nearest) {
    // the source column of each output column, once (resize.ts's nearestIndex)
    const double sy = static_cast<double>(g.height) / g.outH, sx = static_cast<double>(g.width) / g.outW;
    std::vector<long> column(g.outW);
    for (long ox = 0; ox < g.outW; ox++) column[ox] = std::min(static_cast<long>(std::floor((ox + 0.5) * sx)), static_cast<long>(g.width) - 1) * C;
    for (long oy = 0; oy < g.outH; oy++) {
      const long iy = std::min(static_cast<long>(std::floor((oy + 0.5) * sy)), static_cast<long>(g.height) - 1);
      const uint8_t* row = origin + iy * stride;
      for (long ox = 0; ox < g.outW; ox++)
        for (long c = 0; c < C; c++) *y++ = row[column[ox] + c];
    }
    return;
  }
  const Taps ty = bilinear_taps(g.height, g.outH), tx = bilinear_taps(g.width, g.outW);
  switch (C) {
    case 1: return bilinear_rows<1>(origin, stride, g.width, ty, tx, y);
    case 3: return bilinear_rows<3>(origin, stride, g.width, ty, tx, y);
    case 4: return bilinear_rows<4>(origin, stride, g.width, ty, tx, y);
    default: return bilinear_rows<0>(origin, stride, g.width, ty, tx, y, C);
  }
}

}  // namespace kerno
