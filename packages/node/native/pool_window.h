// What the pooling kernels (pool.cc, pool_argmax.cc) share: windows clipped to the image, the
// split of output rows across threads, and which input cells any window covers.
#pragma once
#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#include "kernels.h"
#include "threadpool.h"

namespace kerno {
namespace pooling {

struct Window { int y0, y1, x0, x1; };

inline Window window(const PoolGeom& g, int oy, int ox) {
  const int ys = oy * g.strideH - g.padTop, xs = ox * g.strideW - g.padLeft;
  return {std::max(ys, 0), std::min(ys + g.kH, g.inH), std::max(xs, 0), std::min(xs + g.kW, g.inW)};
}

// fn(n, oy) for every output row, split across threads
template <typename F>
void for_rows(const PoolGeom& g, F fn) {
  const std::size_t rows = static_cast<std::size_t>(g.batch) * g.outH;
  const std::size_t grain = std::max<std::size_t>(1, 4096 / std::max(1, g.outW * g.channels));
  parallel_chunks(rows, grain, [&](std::size_t r0, std::size_t r1, int) {
    for (std::size_t r = r0; r < r1; r++) fn(static_cast<int>(r / g.outH), static_cast<int>(r % g.outH));
  });
}

// The maximum of a 2x2 window's cells a, b (upper row), e, f (lower) as the general loop finds it:
// from -inf, in that order, a NaN never taken (so that both give the same bits)
inline float max_of_2x2(float a, float b, float e, float f) {
  float m = -std::numeric_limits<float>::infinity();
  m = a > m ? a : m;
  m = b > m ? b : m;
  m = e > m ? e : m;
  return f > m ? f : m;
}

// Windows that do not overlap (stride >= window): each input cell is in at most one
inline bool disjoint(const PoolGeom& g) { return g.strideH >= g.kH && g.strideW >= g.kW; }

// The input rows and columns some window reads (windows are products of row and column ranges:
// a cell is in one when its row and its column are); a disjoint gradient zeroes only the others.
struct Covered {
  std::vector<char> rows, cols;
  explicit Covered(const PoolGeom& g) : rows(g.inH, 0), cols(g.inW, 0) {
    for (int oy = 0; oy < g.outH; oy++)
      for (int ox = 0; ox < g.outW; ox++) {
        const Window w = window(g, oy, ox);
        for (int iy = w.y0; iy < w.y1; iy++) rows[iy] = 1;
        for (int ix = w.x0; ix < w.x1; ix++) cols[ix] = 1;
      }
  }
};

// Zeroes the cells of one image's gradient that no window covers.
inline void zero_uncovered(float* image, const PoolGeom& g, const Covered& covered) {
  const long row_floats = static_cast<long>(g.inW) * g.channels;
  for (int iy = 0; iy < g.inH; iy++) {
    float* row = image + iy * row_floats;
    if (!covered.rows[iy]) { std::fill(row, row + row_floats, 0.f); continue; }
    for (int ix = 0; ix < g.inW; ix++)
      if (!covered.cols[ix]) std::fill(row + static_cast<long>(ix) * g.channels, row + static_cast<long>(ix + 1) * g.channels, 0.f);
  }
}

}  // namespace pooling
}  // namespace kerno
