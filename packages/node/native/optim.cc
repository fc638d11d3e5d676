// Fused optimizer updates with Keras's formulas, in place on the parameter and its slots.
#include <cmath>

#include "kernels.h"
#include "threadpool.h"

namespace kerno {
namespace {
template <typename F>
void for_range(std::size_t n, F fn) {
  parallel_for(n, 1 << 16, [&](std::size_t a, std::size_t b, int) { fn(a, b); });
}
}  // namespace

void sgd_update(float* p, const float* g, float* vel, std::size_t n, float lr, float momentum, bool nesterov) {
  for_range(n, [&](std::size_t a, std::size_t b) {
    if (!vel) { for (std::size_t i = a; i < b; i++) p[i] -= lr * g[i]; return; }
    for (std::size_t i = a; i < b; i++) {
      const float v = momentum * vel[i] - lr * g[i];
      vel[i] = v;
      p[i] += nesterov ? momentum * v - lr * g[i] : v;
    }
  });
}

void rmsprop_update(float* p, const float* g, float* ms, float* mom, std::size_t n, float lr, float rho, float momentum, float eps) {
  for_range(n, [&](std::size_t a, std::size_t b) {
    for (std::size_t i = a; i < b; i++) {
      const float gi = g[i];
      const float s = rho * ms[i] + (1.f - rho) * gi * gi;
      ms[i] = s;
      const float step = lr * gi / std::sqrt(s + eps);
      if (mom) { const float m = momentum * mom[i] + step; mom[i] = m; p[i] -= m; }
      else p[i] -= step;
    }
  });
}

void adam_update(float* p, const float* g, float* m, float* v, std::size_t n, float lr, float b1, float b2, float eps, int step, float wd) {
  const float alpha = static_cast<float>(lr * std::sqrt(1.0 - std::pow(static_cast<double>(b2), step)) / (1.0 - std::pow(static_cast<double>(b1), step)));
  const float decay = 1.f - lr * wd;
  for_range(n, [&](std::size_t a, std::size_t b) {
    for (std::size_t i = a; i < b; i++) {
      const float gi = g[i];
      const float mi = m[i] + (gi - m[i]) * (1.f - b1);
      const float vi = v[i] + (gi * gi - v[i]) * (1.f - b2);
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i] * decay - alpha * mi / (std::sqrt(vi) + eps);
    }
  });
}

}  // namespace kerno
