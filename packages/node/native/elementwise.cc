// Elementwise kernels, reductions and transposes. Loops are simple enough for the compiler to
// vectorize; large arrays are split across the thread pool.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels.h"
#include "threadpool.h"

namespace kerno {
namespace {

constexpr std::size_t kGrain = 1 << 15;
constexpr float kSeluScale = 1.0507009873554805f, kSeluAlpha = 1.6732632423543772f;

template <typename F>
void for_range(std::size_t n, F fn) {
  parallel_for(n, kGrain, [&](std::size_t a, std::size_t b, int) { fn(a, b); });
}

inline float sigmoidf(float x) { return x >= 0 ? 1.f / (1.f + std::exp(-x)) : std::exp(x) / (1.f + std::exp(x)); }

template <typename F>
void map_unary(const float* x, float* y, std::size_t n, F f) {
  for_range(n, [&](std::size_t a, std::size_t b) {
    for (std::size_t i = a; i < b; i++) y[i] = f(x[i]);
  });
}

// dx = dy * d(x, y). Every operand is loaded before any comparison: GCC then emits blends, not
// branches, which matters because activations' signs are random (a mispredicted branch per
// element made relu's gradient 8x slower).
template <typename F>
void map_grad(const float* dy, const float* x, const float* y, float* dx, std::size_t n, F d) {
  for_range(n, [&](std::size_t a, std::size_t b) {
    for (std::size_t i = a; i < b; i++) {
      const float g = dy[i], xv = x[i], yv = y[i];
      dx[i] = d(g, xv, yv);
    }
  });
}

inline float binary_op(int op, float a, float b) {
  switch (op) {
    case BINARY_ADD: return a + b;
    case BINARY_SUB: return a - b;
    case BINARY_MUL: return a * b;
    case BINARY_DIV: return a / b;
    case BINARY_POW: return std::pow(a, b);
    case BINARY_MAXIMUM: return (a >= b || std::isnan(a)) ? a : b;
    case BINARY_MINIMUM: return (a <= b || std::isnan(a)) ? a : b;
    case BINARY_EQUAL: return a == b;
    case BINARY_NOT_EQUAL: return a != b;
    case BINARY_GREATER: return a > b;
    case BINARY_GREATER_EQUAL: return a >= b;
    case BINARY_LESS: return a < b;
    case BINARY_LESS_EQUAL: return a <= b;
    default: unknown_op("binary", op);
  }
}

// The same-shape case of the four hot arithmetic ops, kept separate so that it vectorizes.
template <typename F>
void same_shape(const float* a, const float* b, float* out, std::size_t n, F f) {
  for_range(n, [&](std::size_t s, std::size_t e) {
    for (std::size_t i = s; i < e; i++) out[i] = f(a[i], b[i]);
  });
}

// out = op(x, v), or op(v, x) with kScalarLeft: the common ops with the switch outside the loop,
// so that it vectorizes (a Rescaling layer's x * (1/255))
template <bool kScalarLeft>
void with_scalar(int op, const float* x, float v, float* out, std::size_t n) {
  const auto run = [&](auto f) {
    for_range(n, [&](std::size_t s, std::size_t e) {
      for (std::size_t i = s; i < e; i++) out[i] = kScalarLeft ? f(v, x[i]) : f(x[i], v);
    });
  };
  switch (op) {
    case BINARY_ADD: return run([](float a, float b) { return a + b; });
    case BINARY_SUB: return run([](float a, float b) { return a - b; });
    case BINARY_MUL: return run([](float a, float b) { return a * b; });
    case BINARY_DIV: return run([](float a, float b) { return a / b; });
    default: return run([op](float a, float b) { return binary_op(op, a, b); });
  }
}

// The period of an operand that repeats along the leading axes (a per-channel scale or bias over
// [batch, h, w, c]): its strides are contiguous over the trailing axes and 0 over the rest.
// 0 when it does not.
long trailing_period(const int32_t* strides, const int32_t* shape, int rank) {
  long period = 1;
  int d = rank - 1;
  for (; d >= 0; d--) {
    if (shape[d] == 1) continue;
    if (strides[d] != period) break;
    period *= shape[d];
  }
  for (; d >= 0; d--)
    if (shape[d] != 1 && strides[d] != 0) return 0;
  return period;
}

// out[r * period + j] = f(full[r * period + j], vec[j]): the inner loop vectorizes over the period.
template <typename F>
void by_period(const float* full, const float* vec, float* out, std::size_t total, long period, F f) {
  const std::size_t rows = total / period;
  parallel_for(rows, std::max<std::size_t>(1, kGrain / period), [&](std::size_t r0, std::size_t r1, int) {
    for (std::size_t r = r0; r < r1; r++) {
      const float* x = full + r * period;
      float* o = out + r * period;
      for (long j = 0; j < period; j++) o[j] = f(x[j], vec[j]);
    }
  });
}

// The four hot arithmetic ops with one operand repeating (batch normalization's scale and shift,
// biases): 5x faster than the general odometer walk, which dispatches on the op per element.
bool periodic_arithmetic(int op, const float* a, const float* b, float* out, std::size_t total, long period, bool b_repeats) {
  const float* full = b_repeats ? a : b;
  const float* vec = b_repeats ? b : a;
  switch (op) {
    case BINARY_ADD: by_period(full, vec, out, total, period, [](float x, float v) { return x + v; }); return true;
    case BINARY_MUL: by_period(full, vec, out, total, period, [](float x, float v) { return x * v; }); return true;
    case BINARY_SUB:
      if (b_repeats) by_period(full, vec, out, total, period, [](float x, float v) { return x - v; });
      else by_period(full, vec, out, total, period, [](float x, float v) { return v - x; });
      return true;
    case BINARY_DIV:
      if (b_repeats) by_period(full, vec, out, total, period, [](float x, float v) { return x / v; });
      else by_period(full, vec, out, total, period, [](float x, float v) { return v / x; });
      return true;
    default: return false;
  }
}

}  // namespace

void unknown_op(const char* family, int code) {
  std::fprintf(stderr, "kerno native: unknown %s op code %d (native/opcodes.h is out of date?)\n", family, code);
  std::abort();
}

void unary(int op, const float* x, float* y, std::size_t n, float alpha) {
  switch (op) {
    case UNARY_NEG: return map_unary(x, y, n, [](float v) { return -v; });
    case UNARY_ABS: return map_unary(x, y, n, [](float v) { return std::fabs(v); });
    case UNARY_SIGN: return map_unary(x, y, n, [](float v) { return v > 0 ? 1.f : v < 0 ? -1.f : 0.f; });
    case UNARY_SQUARE: return map_unary(x, y, n, [](float v) { return v * v; });
    case UNARY_SQRT: return map_unary(x, y, n, [](float v) { return std::sqrt(v); });
    case UNARY_RSQRT: return map_unary(x, y, n, [](float v) { return 1.f / std::sqrt(v); });
    case UNARY_EXP: return for_range(n, [&](std::size_t a, std::size_t b) { exp_map(x + a, y + a, b - a); });
    case UNARY_LOG: return map_unary(x, y, n, [](float v) { return std::log(v); });
    case UNARY_LOG1P: return map_unary(x, y, n, [](float v) { return std::log1p(v); });
    case UNARY_RECIPROCAL: return map_unary(x, y, n, [](float v) { return 1.f / v; });
    case UNARY_RELU: return map_unary(x, y, n, [](float v) { return v > 0 ? v : 0.f; });
    // the product taken before the comparison: a blend, not a branch (10x faster on random signs)
    case UNARY_LEAKY_RELU: return map_unary(x, y, n, [alpha](float v) { const float s = alpha * v; return v > 0 ? v : s; });
    case UNARY_ELU: return map_unary(x, y, n, [alpha](float v) { return v > 0 ? v : alpha * std::expm1(v); });
    case UNARY_SELU: return map_unary(x, y, n, [](float v) { return kSeluScale * (v > 0 ? v : kSeluAlpha * std::expm1(v)); });
    case UNARY_GELU: return map_unary(x, y, n, [](float v) { return 0.5f * v * (1.f + std::erf(v * 0.70710678f)); });
    case UNARY_SIGMOID: return for_range(n, [&](std::size_t a, std::size_t b) { act_map(ACT_SIGMOID, x + a, y + a, b - a); });
    case UNARY_TANH: return for_range(n, [&](std::size_t a, std::size_t b) { act_map(ACT_TANH, x + a, y + a, b - a); });
    case UNARY_SOFTPLUS: return map_unary(x, y, n, [](float v) { return std::max(v, 0.f) + std::log1p(std::exp(-std::fabs(v))); });
    case UNARY_ERF: return map_unary(x, y, n, [](float v) { return std::erf(v); });
    default: unknown_op("unary", op);
  }
}

void unary_grad(int op, const float* dy, const float* x, const float* y, float* dx, std::size_t n, float alpha) {
  switch (op) {
    case UNARY_NEG: return map_grad(dy, x, y, dx, n, [](float g, float, float) { return -g; });
    case UNARY_ABS: return map_grad(dy, x, y, dx, n, [](float g, float v, float) { const float ng = -g; return v > 0 ? g : v < 0 ? ng : 0.f; });
    case UNARY_SIGN: return map_grad(dy, x, y, dx, n, [](float, float, float) { return 0.f; });
    case UNARY_SQUARE: return map_grad(dy, x, y, dx, n, [](float g, float v, float) { return g * 2.f * v; });
    case UNARY_SQRT: return map_grad(dy, x, y, dx, n, [](float g, float, float o) { return g * 0.5f / o; });
    case UNARY_RSQRT: return map_grad(dy, x, y, dx, n, [](float g, float v, float o) { return g * -0.5f * o / v; });
    case UNARY_EXP: return map_grad(dy, x, y, dx, n, [](float g, float, float o) { return g * o; });
    case UNARY_LOG: return map_grad(dy, x, y, dx, n, [](float g, float v, float) { return g / v; });
    case UNARY_LOG1P: return map_grad(dy, x, y, dx, n, [](float g, float v, float) { return g / (1.f + v); });
    case UNARY_RECIPROCAL: return map_grad(dy, x, y, dx, n, [](float g, float, float o) { return -g * o * o; });
    case UNARY_RELU: return map_grad(dy, x, y, dx, n, [](float g, float v, float) { return v > 0 ? g : 0.f; });
    case UNARY_LEAKY_RELU: return map_grad(dy, x, y, dx, n, [alpha](float g, float v, float) { const float s = alpha * g; return v > 0 ? g : s; });
    case UNARY_ELU: return map_grad(dy, x, y, dx, n, [alpha](float g, float v, float o) { const float s = g * (o + alpha); return v > 0 ? g : s; });
    case UNARY_SELU: return map_grad(dy, x, y, dx, n, [](float g, float v, float o) { const float p = g * kSeluScale, q = g * (o + kSeluScale * kSeluAlpha); return v > 0 ? p : q; });
    case UNARY_GELU:
      return map_grad(dy, x, y, dx, n, [](float g, float v, float) {
        return g * (0.5f * (1.f + std::erf(v * 0.70710678f)) + v * 0.39894228f * std::exp(-0.5f * v * v));
      });
    case UNARY_SIGMOID: return map_grad(dy, x, y, dx, n, [](float g, float, float o) { return g * o * (1.f - o); });
    case UNARY_TANH: return map_grad(dy, x, y, dx, n, [](float g, float, float o) { return g * (1.f - o * o); });
    case UNARY_SOFTPLUS: return map_grad(dy, x, y, dx, n, [](float g, float v, float) { return g * sigmoidf(v); });
    case UNARY_ERF: return map_grad(dy, x, y, dx, n, [](float g, float v, float) { return g * 1.1283791670955126f * std::exp(-v * v); });
    default: unknown_op("unary grad", op);
  }
}

void binary(int op, const float* a, const int32_t* as, const float* b, const int32_t* bs,
            float* out_f, uint8_t* out_b, const int32_t* shape, int rank, std::size_t total) {
  if (total == 0) return;
  // contiguous operands of the output's size have the output's strides; detect the plain cases
  bool a_full = true, b_full = true, b_scalar = true, a_scalar = true;
  long s = 1;
  for (int d = rank - 1; d >= 0; d--) {
    if (shape[d] != 1) {
      if (as[d] != s) a_full = false;
      if (bs[d] != s) b_full = false;
      if (as[d] != 0) a_scalar = false;
      if (bs[d] != 0) b_scalar = false;
    }
    s *= shape[d];
  }
  if (out_f && a_full && b_full) {
    switch (op) {
      case BINARY_ADD: return same_shape(a, b, out_f, total, [](float x, float y) { return x + y; });
      case BINARY_SUB: return same_shape(a, b, out_f, total, [](float x, float y) { return x - y; });
      case BINARY_MUL: return same_shape(a, b, out_f, total, [](float x, float y) { return x * y; });
      case BINARY_DIV: return same_shape(a, b, out_f, total, [](float x, float y) { return x / y; });
      default: break;
    }
  }
  if (out_f && a_full && b_scalar) return with_scalar<false>(op, a, b[0], out_f, total);
  if (out_f && a_scalar && b_full) return with_scalar<true>(op, b, a[0], out_f, total);
  if (out_f && (a_full || b_full)) {
    const long period = trailing_period(a_full ? bs : as, shape, rank);
    if (period > 0 && total % period == 0 && periodic_arithmetic(op, a, b, out_f, total, period, a_full)) return;
  }
  // general broadcasting: walk the outer axes with an odometer, the last axis in a tight loop
  const long last = rank > 0 ? shape[rank - 1] : 1;
  const long sa = rank > 0 ? as[rank - 1] : 0, sb = rank > 0 ? bs[rank - 1] : 0;
  const std::size_t rows = total / last;
  parallel_for(rows, std::max<std::size_t>(1, kGrain / last), [&](std::size_t r0, std::size_t r1, int) {
    long idx[16] = {0};
    long ai = 0, bi = 0;
    std::size_t rem = r0;
    for (int d = rank - 2; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      ai += idx[d] * as[d];
      bi += idx[d] * bs[d];
    }
    for (std::size_t r = r0; r < r1; r++) {
      const std::size_t o = r * last;
      if (out_f) for (long j = 0; j < last; j++) out_f[o + j] = binary_op(op, a[ai + j * sa], b[bi + j * sb]);
      else for (long j = 0; j < last; j++) out_b[o + j] = binary_op(op, a[ai + j * sa], b[bi + j * sb]) != 0.f;
      for (int d = rank - 2; d >= 0; d--) {
        idx[d]++;
        ai += as[d];
        bi += bs[d];
        if (idx[d] < shape[d]) break;
        ai -= static_cast<long>(as[d]) * shape[d];
        bi -= static_cast<long>(bs[d]) * shape[d];
        idx[d] = 0;
      }
    }
  });
}

void bias_activation(const float* x, const float* bias, const float* scale, float* y, std::size_t n, std::size_t channels, int act) {
  const std::size_t rows = n / channels;
  parallel_for(rows, std::max<std::size_t>(1, kGrain / channels), [&](std::size_t r0, std::size_t r1, int) {
    for (std::size_t r = r0; r < r1; r++) {
      float* dst = y + r * channels;
      const float* src = x + r * channels;
      if (scale) {
        // x * scale first (a batch normalization's), then bias and activation as below
        for (std::size_t c = 0; c < channels; c++) dst[c] = src[c] * scale[c];
        src = dst;
      }
      switch (act) {
        case ACT_RELU:
          for (std::size_t c = 0; c < channels; c++) { const float z = src[c] + (bias ? bias[c] : 0.f); dst[c] = z > 0 ? z : 0.f; }
          break;
        case ACT_LINEAR:
          for (std::size_t c = 0; c < channels; c++) dst[c] = src[c] + (bias ? bias[c] : 0.f);
          break;
        default:
          for (std::size_t c = 0; c < channels; c++) dst[c] = src[c] + (bias ? bias[c] : 0.f);
          act_map(act, dst, dst, channels);
      }
    }
  });
}

void bias_activation_grad(const float* dy, const float* y, float* dz, float* db, std::size_t n, std::size_t channels, int act) {
  const std::size_t C = channels ? channels : 1;
  const std::size_t rows = n / C;
  const int threads = num_threads();
  std::vector<float> partial(db ? C * threads : 0, 0.f);
  parallel_for(rows, std::max<std::size_t>(1, kGrain / C), [&](std::size_t r0, std::size_t r1, int t) {
    float* acc = db ? partial.data() + t * C : nullptr;
    for (std::size_t r = r0; r < r1; r++) {
      const float* g = dy + r * C;
      const float* v = y + r * C;
      float* d = dz + r * C;
      if (act == ACT_RELU) {
        for (std::size_t c = 0; c < C; c++) { const float gi = g[c], vi = v[c]; d[c] = vi > 0 ? gi : 0.f; }
      } else {
        for (std::size_t c = 0; c < C; c++) d[c] = g[c] * act_grad_from_output(act, v[c]);
      }
      if (acc) for (std::size_t c = 0; c < C; c++) acc[c] += d[c];
    }
  });
  if (!db) return;
  for (std::size_t c = 0; c < C; c++) {
    float s = 0.f;
    for (int t = 0; t < threads; t++) s += partial[t * C + c];
    db[c] = s;
  }
}

void reduce(int op, const float* x, float* y, std::size_t outer, std::size_t n, std::size_t inner) {
  if (op != REDUCE_SUM && op != REDUCE_MAX && op != REDUCE_MIN) unknown_op("reduce", op);
  const std::size_t lines = outer * inner;
  const std::size_t grain = std::max<std::size_t>(1, kGrain / std::max<std::size_t>(1, n));
  if (inner == 1) {
    parallel_for(outer, grain, [&](std::size_t o0, std::size_t o1, int) {
      for (std::size_t o = o0; o < o1; o++) {
        const float* p = x + o * n;
        if (op == REDUCE_SUM) {
          double acc = 0;
          for (std::size_t i = 0; i < n; i++) acc += p[i];
          y[o] = static_cast<float>(acc);
        } else {
          float acc = n ? p[0] : (op == REDUCE_MAX ? -INFINITY : INFINITY);
          for (std::size_t i = 1; i < n; i++) {
            const float v = p[i];
            if (std::isnan(v)) { acc = v; break; }
            acc = op == REDUCE_MAX ? std::max(acc, v) : std::min(acc, v);
          }
          y[o] = acc;
        }
      }
    });
    return;
  }
  (void)lines;
  parallel_for(outer, 1, [&](std::size_t o0, std::size_t o1, int) {
    for (std::size_t o = o0; o < o1; o++) {
      float* dst = y + o * inner;
      const float* base = x + o * n * inner;
      if (op == REDUCE_SUM) std::memset(dst, 0, sizeof(float) * inner);
      else if (n == 0) std::fill(dst, dst + inner, op == REDUCE_MAX ? -INFINITY : INFINITY);
      else std::memcpy(dst, base, sizeof(float) * inner);
      for (std::size_t i = op == REDUCE_SUM ? 0 : 1; i < n; i++) {
        const float* row = base + i * inner;
        if (op == REDUCE_SUM) for (std::size_t j = 0; j < inner; j++) dst[j] += row[j];
        else if (op == REDUCE_MAX) for (std::size_t j = 0; j < inner; j++) dst[j] = (row[j] > dst[j] || std::isnan(row[j])) ? row[j] : dst[j];
        else for (std::size_t j = 0; j < inner; j++) dst[j] = (row[j] < dst[j] || std::isnan(row[j])) ? row[j] : dst[j];
      }
    }
  });
}

// Running sums along n of [outer, n, inner], row by row so that the inner loop vectorizes; the
// outer slices run in parallel.
void cumsum(const float* x, float* y, std::size_t outer, std::size_t n, std::size_t inner, bool reverse) {
  const std::size_t grain = std::max<std::size_t>(1, kGrain / std::max<std::size_t>(1, n * inner));
  parallel_for(outer, grain, [&](std::size_t o0, std::size_t o1, int) {
    for (std::size_t o = o0; o < o1; o++) {
      const float* src = x + o * n * inner;
      float* dst = y + o * n * inner;
      for (std::size_t step = 0; step < n; step++) {
        const std::size_t i = reverse ? n - 1 - step : step;
        float* row = dst + i * inner;
        const float* in = src + i * inner;
        if (step == 0) {
          std::memcpy(row, in, sizeof(float) * inner);
          continue;
        }
        const float* previous = reverse ? row + inner : row - inner;
        for (std::size_t j = 0; j < inner; j++) row[j] = previous[j] + in[j];
      }
    }
  });
}

// Counts of the values of x in [0, length), and the sums of their weights; values outside are
// skipped, so a bad value cannot write out of bounds. One pass each: a histogram's scattered adds
// do not split across threads without private copies, and the op is light next to the layers.
void bincount(const int32_t* x, std::size_t n, int32_t* counts, std::size_t length) {
  std::fill(counts, counts + length, 0);
  for (std::size_t i = 0; i < n; i++) {
    const int32_t v = x[i];
    if (v >= 0 && static_cast<std::size_t>(v) < length) counts[v]++;
  }
}

void bincount_weights(const int32_t* x, std::size_t n, const float* weights, float* sums, std::size_t length) {
  std::fill(sums, sums + length, 0.0f);
  for (std::size_t i = 0; i < n; i++) {
    const int32_t v = x[i];
    if (v >= 0 && static_cast<std::size_t>(v) < length) sums[v] += weights[i];
  }
}

void arg_reduce(bool is_max, const float* x, int32_t* y, std::size_t outer, std::size_t n, std::size_t inner) {
  for (std::size_t o = 0; o < outer; o++)
    for (std::size_t j = 0; j < inner; j++) {
      const float* p = x + o * n * inner + j;
      float best = p[0];
      int32_t bi = 0;
      for (std::size_t i = 1; i < n; i++) {
        const float v = p[i * inner];
        if (is_max ? v > best : v < best) { best = v; bi = static_cast<int32_t>(i); }
      }
      y[o * inner + j] = bi;
    }
}

void transpose(const float* x, float* y, const int32_t* shape, const int32_t* src_strides, int rank, std::size_t total) {
  if (total == 0) return;
  const long last = shape[rank - 1], ls = src_strides[rank - 1];
  const std::size_t rows = total / last;
  parallel_for(rows, std::max<std::size_t>(1, kGrain / last), [&](std::size_t r0, std::size_t r1, int) {
    long idx[16] = {0};
    long src = 0;
    std::size_t rem = r0;
    for (int d = rank - 2; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      src += idx[d] * src_strides[d];
    }
    for (std::size_t r = r0; r < r1; r++) {
      float* dst = y + r * last;
      if (ls == 1) std::memcpy(dst, x + src, sizeof(float) * last);
      else for (long j = 0; j < last; j++) dst[j] = x[src + j * ls];
      for (int d = rank - 2; d >= 0; d--) {
        idx[d]++;
        src += src_strides[d];
        if (idx[d] < shape[d]) break;
        src -= static_cast<long>(src_strides[d]) * shape[d];
        idx[d] = 0;
      }
    }
  });
}

}  // namespace kerno
