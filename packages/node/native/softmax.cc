// Softmax, log-softmax and the cross-entropy cores, one line (softmax axis) at a time.
#include <algorithm>
#include <cmath>

#include "kernels.h"
#include "threadpool.h"

namespace kerno {
namespace {

template <typename F>
void for_lines(std::size_t outer, std::size_t n, std::size_t inner, F fn) {
  const std::size_t lines = outer * inner;
  parallel_for(lines, std::max<std::size_t>(1, 8192 / std::max<std::size_t>(1, n)), [&](std::size_t l0, std::size_t l1, int) {
    for (std::size_t l = l0; l < l1; l++) fn((l / inner) * n * inner + l % inner, inner);
  });
}

// softmax of one row of `classes` into p; returns the log-sum-exp.
inline double row_softmax(const float* z, float* p, std::size_t classes) {
  float m = -INFINITY;
  for (std::size_t c = 0; c < classes; c++) m = std::max(m, z[c]);
  double sum = 0;
  for (std::size_t c = 0; c < classes; c++) { const float e = std::exp(z[c] - m); p[c] = e; sum += e; }
  const float inv = static_cast<float>(1.0 / sum);
  for (std::size_t c = 0; c < classes; c++) p[c] *= inv;
  return m + std::log(sum);
}

}  // namespace

void softmax(const float* x, float* y, std::size_t outer, std::size_t n, std::size_t inner, bool log) {
  for_lines(outer, n, inner, [&](std::size_t base, std::size_t s) {
    float m = -INFINITY;
    for (std::size_t i = 0; i < n; i++) m = std::max(m, x[base + i * s]);
    double sum = 0;
    for (std::size_t i = 0; i < n; i++) sum += std::exp(x[base + i * s] - m);
    if (log) {
      const float lse = static_cast<float>(m + std::log(sum));
      for (std::size_t i = 0; i < n; i++) y[base + i * s] = x[base + i * s] - lse;
    } else {
      const float inv = static_cast<float>(1.0 / sum);
      for (std::size_t i = 0; i < n; i++) y[base + i * s] = std::exp(x[base + i * s] - m) * inv;
    }
  });
}

void softmax_grad(const float* dy, const float* y, float* dx, std::size_t outer, std::size_t n, std::size_t inner, bool log) {
  for_lines(outer, n, inner, [&](std::size_t base, std::size_t s) {
    double acc = 0;
    if (log) {
      for (std::size_t i = 0; i < n; i++) acc += dy[base + i * s];
      for (std::size_t i = 0; i < n; i++) dx[base + i * s] = dy[base + i * s] - std::exp(y[base + i * s]) * static_cast<float>(acc);
    } else {
      for (std::size_t i = 0; i < n; i++) acc += dy[base + i * s] * y[base + i * s];
      for (std::size_t i = 0; i < n; i++) dx[base + i * s] = y[base + i * s] * (dy[base + i * s] - static_cast<float>(acc));
    }
  });
}

void softmax_cross_entropy(const float* logits, const float* labels, float* loss, float* dlogits, std::size_t rows, std::size_t classes) {
  for (std::size_t r = 0; r < rows; r++) {
    const float* z = logits + r * classes;
    const float* t = labels + r * classes;
    float* d = dlogits + r * classes;
    const double lse = row_softmax(z, d, classes);
    double l = 0, tsum = 0;
    for (std::size_t c = 0; c < classes; c++) { l += t[c] * (lse - z[c]); tsum += t[c]; }
    loss[r] = static_cast<float>(l);
    for (std::size_t c = 0; c < classes; c++) d[c] = d[c] * static_cast<float>(tsum) - t[c];
  }
}

long sparse_softmax_cross_entropy(const float* logits, const int32_t* labels, float* loss, float* dlogits, std::size_t rows, std::size_t classes) {
  for (std::size_t r = 0; r < rows; r++) {
    const int32_t label = labels[r];
    if (label < 0 || static_cast<std::size_t>(label) >= classes) return static_cast<long>(r);
    const float* z = logits + r * classes;
    float* d = dlogits + r * classes;
    const double lse = row_softmax(z, d, classes);
    loss[r] = static_cast<float>(lse - z[label]);
    d[label] -= 1.f;
  }
  return -1;
}

void sigmoid_cross_entropy(const float* logits, const float* labels, float* loss, float* dlogits, std::size_t n) {
  for (std::size_t i = 0; i < n; i++) {
    const float x = logits[i], z = labels[i];
    const float e = std::exp(-std::fabs(x));
    loss[i] = std::max(x, 0.f) - x * z + std::log1p(e);
    dlogits[i] = (x >= 0 ? 1.f / (1.f + e) : e / (1.f + e)) - z;
  }
}

}  // namespace kerno
