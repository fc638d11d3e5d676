// Dispatch of the vectorized exp, sigmoid and tanh (vmath.inc) to this CPU's instruction set.
#include <cmath>
#include <cstddef>

#include "cpu.h"
#include "kernels.h"

#define KERNO_VARIANTS_OF "vmath.inc"
#define KERNO_VARIANTS_AVX512 1
#include "isa_variants.inc"
#undef KERNO_VARIANTS_OF

namespace kerno {
namespace {

using SpanFn = void (*)(const float*, float*, std::size_t);

struct SpanFns {
  SpanFn exp, sigmoid, tanh;
};

SpanFns pick() {
#ifdef KERNO_X86
  switch (active_isa()) {
    case Isa::avx512: return {avx512::exp_map, avx512::sigmoid_map, avx512::tanh_map};
    case Isa::avx2: return {avx2::exp_map, avx2::sigmoid_map, avx2::tanh_map};
    default: break;
  }
#endif
  return {portable::exp_map, portable::sigmoid_map, portable::tanh_map};
}

const SpanFns& fns() {
  static const SpanFns f = pick();
  return f;
}

}  // namespace

void exp_map(const float* x, float* y, std::size_t n) { fns().exp(x, y, n); }

void act_map(int act, const float* x, float* y, std::size_t n) {
  switch (act) {
    case ACT_SIGMOID: return fns().sigmoid(x, y, n);
    case ACT_TANH: return fns().tanh(x, y, n);
    case ACT_RELU:
      for (std::size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.f;
      return;
    case ACT_LINEAR:
      if (x != y) for (std::size_t i = 0; i < n; i++) y[i] = x[i];
      return;
    default: unknown_op("activation", act);
  }
}

}  // namespace kerno
