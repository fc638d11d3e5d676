// SGEMM: one blocked driver (gemm_kernel.inc) compiled for AVX-512, AVX2+FMA and a portable
// vector width, chosen at run time; the thread pool splits C by rows or columns.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cpu.h"
#include "threadpool.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define KERNO_X86 1
#endif

#if defined(__GNUC__) || defined(__clang__)
#define KERNO_VW 4
#else
#define KERNO_VW 1
#endif
#define KERNO_TARGET
#define KERNO_NS portable
#include "gemm_kernel.inc"
#undef KERNO_VW
#undef KERNO_TARGET
#undef KERNO_NS

#ifdef KERNO_X86
#define KERNO_VW 8
#define KERNO_TARGET __attribute__((target("avx2,fma")))
#define KERNO_NS avx2
#include "gemm_kernel.inc"
#undef KERNO_VW
#undef KERNO_TARGET
#undef KERNO_NS

#define KERNO_VW 16
#define KERNO_TARGET __attribute__((target("avx512f")))
#define KERNO_NS avx512
#include "gemm_kernel.inc"
#undef KERNO_VW
#undef KERNO_TARGET
#undef KERNO_NS
#endif

namespace kerno {
namespace {

using SerialGemm = void (*)(int, int, int, MatRef, MatRef, float*, std::ptrdiff_t, bool);

SerialGemm pick() {
#ifdef KERNO_X86
  switch (active_isa()) {
    case Isa::avx512: return avx512::gemm_serial;
    case Isa::avx2: return avx2::gemm_serial;
    default: break;
  }
#endif
  return portable::gemm_serial;
}

}  // namespace

void sgemm(int m, int n, int k, MatRef A, MatRef B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel) {
  static const SerialGemm serial = pick();
  if (m <= 0 || n <= 0) return;
  const double flops = 2.0 * m * n * k;
  if (!parallel || num_threads() == 1 || flops < 4e6) {
    serial(m, n, k, A, B, C, ldc, accumulate);
    return;
  }
  // split the longer side into per-thread slabs, aligned to the micro-tile
  if (m >= n) {
    const std::size_t blocks = (m + 5) / 6;
    parallel_for(blocks, 1, [&](std::size_t b0, std::size_t b1, int) {
      const int i0 = static_cast<int>(b0 * 6), i1 = std::min<int>(m, static_cast<int>(b1 * 6));
      MatRef a = {A.data + i0 * A.rs, A.rs, A.cs};
      serial(i1 - i0, n, k, a, B, C + i0 * ldc, ldc, accumulate);
    });
  } else {
    const std::size_t blocks = (n + 15) / 16;
    parallel_for(blocks, 1, [&](std::size_t b0, std::size_t b1, int) {
      const int j0 = static_cast<int>(b0 * 16), j1 = std::min<int>(n, static_cast<int>(b1 * 16));
      MatRef b = {B.data + j0 * B.cs, B.rs, B.cs};
      serial(m, j1 - j0, k, A, b, C + j0, ldc, accumulate);
    });
  }
}

}  // namespace kerno
