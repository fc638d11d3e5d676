// SGEMM: one blocked driver (gemm_kernel.inc) compiled for AVX-512, AVX2+FMA and a portable
// vector width, chosen at run time; the thread pool splits C by rows or columns.
#include "gemm.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cpu.h"
#include "threadpool.h"

#define KERNO_VARIANTS_OF "gemm_kernel.inc"
#define KERNO_VARIANTS_AVX512 1
#include "isa_variants.inc"
#undef KERNO_VARIANTS_OF

namespace kerno {
namespace {

using BlockGemm = void (*)(int, int, int, int, int, const APacker&, MatRef, float*, std::ptrdiff_t, bool, const Epilogue*);
using SharedGemm = void (*)(int, int, int, const APacker&, MatRef, float*, std::ptrdiff_t, bool, const Epilogue*);
using PrepackedGemm = void (*)(int, int, int, int, const APacker&, const float*, float*, std::ptrdiff_t, bool, const Epilogue*);
using GemvRows = void (*)(int, int, int, const MatRef&, const float*, std::ptrdiff_t, float*, std::ptrdiff_t, bool);
using NarrowRows = void (*)(int, int, int, int, const MatRef&, const float*, float*, std::ptrdiff_t, bool);

struct GemmFns {
  BlockGemm block;   // one thread, one block of C
  SharedGemm shared; // every thread, all of C, B packed once
  int block_rows;    // rows of A the shared driver hands a thread at a time
  std::size_t (*packed_b_floats)(int, int);
  void (*pack_b_whole)(const MatRef&, int, int, float*);
  PrepackedGemm prepacked;
  GemvRows gemv_rows;
  NarrowRows narrow_rows;
  int vector_floats;  // the variant's vector width: narrow_rows takes up to this many columns
};

#define KERNO_GEMM_FNS(ns) \
  GemmFns { ns::gemm_block, ns::gemm_shared_b, ns::kBlockRows, ns::packed_b_floats, ns::pack_b_whole, ns::gemm_prepacked, ns::gemv_rows, ns::narrow_rows, ns::VW }

GemmFns pick() {
#ifdef KERNO_X86
  switch (active_isa()) {
    case Isa::avx512: return KERNO_GEMM_FNS(avx512);
    case Isa::avx2: return KERNO_GEMM_FNS(avx2);
    default: break;
  }
#endif
  return KERNO_GEMM_FNS(portable);
}
#undef KERNO_GEMM_FNS

const GemmFns& fns() {
  static const GemmFns f = pick();
  return f;
}

// The A packer of an ordinary strided matrix. Loops follow the stored layout: row by row for a
// row-major A, column by column for a transposed one (whose MR rows are then contiguous).
void pack_strided(const void* ctx, int i0, int mc, int p0, int kc, float* out) {
  const MatRef& A = *static_cast<const MatRef*>(ctx);
  constexpr int MR = kGemmMR;
  for (int ir = 0; ir < mc; ir += MR) {
    const int rows = std::min(MR, mc - ir);
    float* dst = out + static_cast<std::ptrdiff_t>(ir) * kc;
    const float* base = A.data + (i0 + ir) * A.rs + p0 * A.cs;
    if (A.rs == 1) {
      for (int p = 0; p < kc; p++) {
        const float* src = base + p * A.cs;
        int r = 0;
        for (; r < rows; r++) dst[p * MR + r] = src[r];
        for (; r < MR; r++) dst[p * MR + r] = 0.f;
      }
      continue;
    }
    for (int r = 0; r < MR; r++) {
      if (r >= rows) {
        for (int p = 0; p < kc; p++) dst[p * MR + r] = 0.f;
        continue;
      }
      const float* src = base + r * A.rs;
      if (A.cs == 1) for (int p = 0; p < kc; p++) dst[p * MR + r] = src[p];
      else for (int p = 0; p < kc; p++) dst[p * MR + r] = src[p * A.cs];
    }
  }
}

}  // namespace

void sgemm_packed(int m, int n, int k, const APacker& A, MatRef B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel,
                  const Epilogue* epilogue) {
  const GemmFns& f = fns();
  const BlockGemm block = f.block;
  if (m <= 0 || n <= 0) return;
  const double flops = 2.0 * m * n * k;
  if (!parallel || num_threads() == 1 || flops < 4e6) {
    block(0, m, 0, n, k, A, B, C, ldc, accumulate, epilogue);
    return;
  }
  // enough row blocks for every thread to get several (so uneven counts cost little): share B
  if (m >= 4 * num_threads() * f.block_rows) {
    f.shared(m, n, k, A, B, C, ldc, accumulate, epilogue);
    return;
  }
  // split the longer side into per-thread slabs, aligned to the micro-tile
  if (m >= n) {
    const std::size_t blocks = (m + kGemmMR - 1) / kGemmMR;
    parallel_for(blocks, 1, [&](std::size_t b0, std::size_t b1, int) {
      block(static_cast<int>(b0) * kGemmMR, std::min<int>(m, static_cast<int>(b1) * kGemmMR), 0, n, k, A, B, C, ldc, accumulate, epilogue);
    });
  } else {
    const std::size_t blocks = (n + 15) / 16;
    parallel_for(blocks, 1, [&](std::size_t b0, std::size_t b1, int) {
      block(0, m, static_cast<int>(b0) * 16, std::min<int>(n, static_cast<int>(b1) * 16), k, A, B, C, ldc, accumulate, epilogue);
    });
  }
}

double fma_peak_gflops(bool single_thread) {
  using FmaFn = float (*)(long);
  FmaFn fn = portable::fma_chains;
  int width = portable::VW, chains = portable::kFmaChains;
#ifdef KERNO_X86
  if (active_isa() == Isa::avx512) fn = avx512::fma_chains, width = avx512::VW, chains = avx512::kFmaChains;
  else if (active_isa() == Isa::avx2) fn = avx2::fma_chains, width = avx2::VW, chains = avx2::kFmaChains;
#endif
  const long iterations = 20'000'000;
  const int threads = single_thread ? 1 : num_threads();
  std::vector<float> sums(threads);
  fn(iterations / 10);  // wake the core up to its clock
  // best of 5 rounds of about 50 ms: one round where a thread lost its core read 309 GFLOPS
  // against the usual 430-480 on a 2-core Zen 5
  double seconds = 1e30;
  for (int round = 0; round < 5; round++) {
    const auto t0 = std::chrono::steady_clock::now();
    if (single_thread) sums[0] = fn(iterations);
    else
      parallel_for(threads, 1, [&](std::size_t b, std::size_t e, int) {
        for (std::size_t t = b; t < e; t++) sums[t] = fn(iterations);
      });
    seconds = std::min(seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return 2.0 * chains * width * static_cast<double>(iterations) * threads / seconds / 1e9;
}

APacker strided_packer(const MatRef* A) { return APacker{pack_strided, A}; }

std::size_t sgemm_packed_b_floats(int k, int n) { return fns().packed_b_floats(k, n); }

void sgemm_pack_b(int k, int n, MatRef B, float* out) { fns().pack_b_whole(B, k, n, out); }

void sgemm_prepacked(int i_begin, int i_end, int n, int k, const APacker& A, const float* packed_b, float* C, std::ptrdiff_t ldc,
                     bool accumulate, const Epilogue* epilogue) {
  if (i_end > i_begin && n > 0) fns().prepacked(i_begin, i_end, n, k, A, packed_b, C, ldc, accumulate, epilogue);
}

namespace {

// y[i * incy] (+)= sum_p M(i, p) v[p * incv] for i < m; threads take runs of rows.
void gemv(int m, int k, MatRef M, const float* v, std::ptrdiff_t incv, float* y, std::ptrdiff_t incy, bool accumulate, bool parallel) {
  const GemvRows rows = fns().gemv_rows;
  if (!parallel || num_threads() == 1 || static_cast<double>(m) * k < 1e5) return rows(0, m, k, M, v, incv, y, incy, accumulate);
  const std::size_t grain = std::max<std::size_t>(1, 65536 / std::max(1, k));
  parallel_for(m, grain, [&](std::size_t i0, std::size_t i1, int) {
    rows(static_cast<int>(i0), static_cast<int>(i1), k, M, v, incv, y, incy, accumulate);
  });
}

// C (+)= A B for n (> 1) up to one vector of columns: A read in place (narrow_rows), B padded.
void narrow(int m, int n, int k, MatRef A, MatRef B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel) {
  const GemmFns& f = fns();
  const int vw = f.vector_floats;
  std::vector<float> pb(static_cast<std::size_t>(k) * vw, 0.f);
  for (int p = 0; p < k; p++)
    for (int j = 0; j < n; j++) pb[static_cast<std::size_t>(p) * vw + j] = B.data[p * B.rs + j * B.cs];
  if (!parallel || num_threads() == 1 || 2.0 * m * n * k < 4e6) return f.narrow_rows(0, m, n, k, A, pb.data(), C, ldc, accumulate);
  constexpr int kRows = 8;  // a multiple of every variant's rows at a time
  parallel_chunks((m + kRows - 1) / kRows, 1, [&](std::size_t b0, std::size_t b1, int) {
    f.narrow_rows(static_cast<int>(b0) * kRows, std::min<int>(m, static_cast<int>(b1) * kRows), n, k, A, pb.data(), C, ldc, accumulate);
  });
}

}  // namespace

void sgemm(int m, int n, int k, MatRef A, MatRef B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel) {
  if (n == 1 && m > 1 && k > 0) return gemv(m, k, A, B.data, B.rs, C, ldc, accumulate, parallel);
  if (n > 1 && n <= fns().vector_floats && m > 1 && k > 0) return narrow(m, n, k, A, B, C, ldc, accumulate, parallel);
  // one row: C^T = B^T A^T, the same product with one column
  if (m == 1 && n > 1 && k > 0) return gemv(n, k, MatRef{B.data, B.cs, B.rs}, A.data, A.cs, C, 1, accumulate, parallel);
  sgemm_packed(m, n, k, strided_packer(&A), B, C, ldc, accumulate, parallel, nullptr);
}

}  // namespace kerno
