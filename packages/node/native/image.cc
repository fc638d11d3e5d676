// Batched projective image transforms (TensorFlow's ImageProjectiveTransformV3), the warp behind
// the augmentation layers: each output pixel samples the input at its transformed coordinate,
// bilinear or nearest, with Keras's fill modes. Rows of output are split across the thread pool.
#include <cmath>

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

}  // namespace kerno
