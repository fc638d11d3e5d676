// Mixed-precision matrix product: A and B rounded to bfloat16 (round to nearest even), products
// summed in float32 by AVX512_BF16's vdpbf16ps, which multiplies pairs of bfloat16 values along k
// and adds both products into one float32 lane. Operands are converted to bfloat16 once (one
// vectorized pass, which also halves what packing reads) and packed as pairs: B's slivers hold,
// for each k pair and column, (B[2q][j], B[2q+1][j]) in one 32-bit word; A's slivers the same
// pairs for each of their 6 rows, broadcast one word at a time.
// Compiled only where GCC/Clang target x86; elsewhere bf16_supported() is false.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu.h"
#include "gemm.h"
#include "gemm_amx.h"
#include "gemm_bf16_layout.h"
#include "threadpool.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define KERNO_BF16 1
#include <immintrin.h>
#endif

namespace kerno {

// Round to nearest even, as vcvtneps2bf16 does (NaN stays a quiet NaN).
std::uint16_t to_bf16(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x40);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<std::uint16_t>(u >> 16);
}

namespace {

constexpr int MR = kGemmMR;
constexpr int NR = kBf16NR;
constexpr int KC = kBf16KC;  // a B sliver (128 pairs x 64 columns) fits L1
constexpr int MC = MR * 24;
constexpr int NC = NR * 32;

using u16 = std::uint16_t;
using u32 = std::uint32_t;

u32 word(u16 lo, u16 hi) { return static_cast<u32>(lo) | static_cast<u32>(hi) << 16; }

// Element (r, c) of a bfloat16 matrix, or 0 past its last row (an odd k's missing pair half).
u16 at(const Bf16Ref& M, long r, long c, long rows) { return r < rows ? M.data[r * M.rs + c * M.cs] : 0; }

#ifdef KERNO_BF16
__attribute__((target("avx512f,avx512bf16"))) void convert_avx512(const float* x, u16* y, std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(x + i)));
  for (; i < n; i++) y[i] = to_bf16(x[i]);
}
#endif

}  // namespace

bool bf16_supported() {
#ifdef KERNO_BF16
  static const bool yes = [] {
    __builtin_cpu_init();
    return active_isa() == Isa::avx512 && __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw");
  }();
  return yes;
#else
  return false;
#endif
}

void to_bf16(const float* x, std::uint16_t* y, std::size_t n) {
#ifdef KERNO_BF16
  if (bf16_supported()) return convert_avx512(x, y, n);
#endif
  for (std::size_t i = 0; i < n; i++) y[i] = to_bf16(x[i]);
}

Bf16Matrix::Bf16Matrix(int rows, int cols, MatRef M, bool parallel) : values(static_cast<std::size_t>(rows) * cols) {
  // keep the orientation (rows or columns contiguous), so each line converts as one run
  const bool by_columns = M.rs == 1 && M.cs != 1;
  const int lines = by_columns ? cols : rows, length = by_columns ? rows : cols;
  ref = by_columns ? Bf16Ref{values.data(), 1, rows} : Bf16Ref{values.data(), cols, 1};
  auto convert = [&](std::size_t l0, std::size_t l1, int) {
    for (std::size_t l = l0; l < l1; l++) {
      u16* dst = values.data() + l * length;
      if (by_columns) to_bf16(M.data + l * M.cs, dst, length);
      else if (M.cs == 1) to_bf16(M.data + l * M.rs, dst, length);
      else for (int c = 0; c < length; c++) dst[c] = to_bf16(M.data[l * M.rs + c * M.cs]);
    }
  };
  if (parallel && static_cast<long>(rows) * cols >= (1L << 16)) parallel_for(lines, 1, convert);
  else convert(0, lines, 0);
}

std::size_t Bf16PackedB::slivers() const { return (static_cast<std::size_t>(n) + NR - 1) / NR; }

// Panel of rows [p0, p0 + KC) starts at (p0 / 2) * slivers * NR words; inside it, sliver s at
// s * (panel's padded pairs, bf16_panel_pairs) * NR words, pair q of column j at q * NR + j.
// The padding pairs are zeros.
Bf16PackedB bf16_pack_b(int k, int n, Bf16Ref B, bool parallel) {
  Bf16PackedB out;
  out.k = k;
  out.n = n;
  const std::size_t slivers = out.slivers();
  const std::size_t pairs = static_cast<std::size_t>(k / KC) * (KC / 2) + (k % KC ? bf16_panel_pairs(k % KC) : 0);
  out.words.resize(pairs * slivers * NR);
  auto pack = [&](std::size_t s0, std::size_t s1, int) {
    for (int p0 = 0; p0 < k; p0 += KC) {
      const int kc = std::min(KC, k - p0), kc2 = (kc + 1) / 2;
      for (std::size_t s = s0; s < s1; s++) {
        u32* dst = out.words.data() + (p0 / 2) * slivers * NR + s * bf16_panel_pairs(kc) * NR;
        const int j0 = static_cast<int>(s) * NR, cols = std::min(NR, n - j0);
        if (B.cs == 1 && p0 + 2 * kc2 <= k) {  // rows contiguous: two rows interleave (vectorizes)
          for (int q = 0; q < kc2; q++, dst += NR) {
            const u16* lo = B.data + static_cast<long>(p0 + 2 * q) * B.rs + j0;
            const u16* hi = lo + B.rs;
            int j = 0;
            for (; j < cols; j++) dst[j] = word(lo[j], hi[j]);
            for (; j < NR; j++) dst[j] = 0;
          }
          continue;
        }
        for (int q = 0; q < kc2; q++, dst += NR) {
          const long p = p0 + 2 * q;
          int j = 0;
          for (; j < cols; j++) dst[j] = word(at(B, p, j0 + j, k), at(B, p + 1, j0 + j, k));
          for (; j < NR; j++) dst[j] = 0;
        }
      }
    }
  };
  if (parallel) parallel_for(slivers, 1, pack);
  else pack(0, slivers, 0);
  return out;
}

#ifdef KERNO_BF16
namespace {

#define KERNO_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512bf16")))

// C tile (MR x NR) = or += packed A pairs (kc2 x MR words) times packed B pairs (kc2 x NR words):
// 24 float32 sums in registers, 4 loads of B and 6 broadcasts of A per 24 vdpbf16ps.
KERNO_BF16_TARGET void micro_kernel(int kc2, const u32* __restrict pa, const u32* __restrict pb, float* __restrict c,
                                    std::ptrdiff_t ldc, bool accumulate) {
  constexpr int V = NR / 16;
  __m512 acc[MR][V];
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int v = 0; v < V; v++) acc[r][v] = _mm512_setzero_ps();
  for (int q = 0; q < kc2; q++, pa += MR, pb += NR) {
    __m512bh b[V];
#pragma GCC unroll 4
    for (int v = 0; v < V; v++) b[v] = (__m512bh)_mm512_loadu_si512(pb + 16 * v);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      const __m512bh a = (__m512bh)_mm512_set1_epi32(static_cast<int>(pa[r]));
#pragma GCC unroll 4
      for (int v = 0; v < V; v++) acc[r][v] = _mm512_dpbf16_ps(acc[r][v], a, b[v]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++) {
    float* row = c + r * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < V; v++) {
      __m512 x = acc[r][v];
      if (accumulate) x = _mm512_add_ps(x, _mm512_loadu_ps(row + 16 * v));
      _mm512_storeu_ps(row + 16 * v, x);
    }
  }
}

// A[i0:i0+mc, p0:p0+kc] as slivers of MR rows, each k pair of each row one word
// (out[sliver * kc2 * MR + q * MR + r]), zero-padded past the last row and an odd k.
void pack_a(const Bf16Ref& A, int i0, int mc, int p0, int kc, int k, u32* out) {
  const int kc2 = (kc + 1) / 2;
  for (int ir = 0; ir < mc; ir += MR) {
    u32* d = out + static_cast<std::ptrdiff_t>(ir / MR) * kc2 * MR;
    const int rows = std::min(MR, mc - ir);
    if (A.cs == 1 && rows == MR && p0 + 2 * kc2 <= k) {  // rows contiguous along k: each pair is one word already
      for (int r = 0; r < MR; r++) {
        const u16* row = A.data + static_cast<long>(i0 + ir + r) * A.rs + p0;
        for (int q = 0; q < kc2; q++) std::memcpy(&d[q * MR + r], row + 2 * q, 4);
      }
      continue;
    }
    for (int q = 0; q < kc2; q++) {
      const long p = p0 + 2 * q;
      int r = 0;
      for (; r < rows; r++) {
        const u16* row = A.data + static_cast<long>(i0 + ir + r) * A.rs;
        d[q * MR + r] = word(p < k ? row[p * A.cs] : 0, p + 1 < k ? row[(p + 1) * A.cs] : 0);
      }
      for (; r < MR; r++) d[q * MR + r] = 0;
    }
  }
}

struct Scratch {
  std::vector<u32> pairs = std::vector<u32>(MC * KC / 2);
};

// Rows [i_begin, i_end), columns [j_begin, j_end) (j_begin a multiple of NR), single-threaded.
void block(int i_begin, int i_end, int j_begin, int j_end, const Bf16Ref& A, const Bf16PackedB& B, float* C, std::ptrdiff_t ldc,
           bool accumulate, const Epilogue* epilogue) {
  thread_local Scratch scratch;
  alignas(64) float tile[MR * NR];
  const int k = B.k;
  const std::size_t slivers = B.slivers();
  for (int j0 = j_begin; j0 < j_end; j0 += NC) {
    const int nc = std::min(NC, j_end - j0);
    for (int p0 = 0; p0 < k; p0 += KC) {
      const int kc = std::min(KC, k - p0), kc2 = (kc + 1) / 2;
      const bool acc = accumulate || p0 > 0, last = p0 + kc >= k;
      const u32* panel = B.words.data() + (p0 / 2) * slivers * NR;
      for (int i0 = i_begin; i0 < i_end; i0 += MC) {
        const int mc = std::min(MC, i_end - i0);
        pack_a(A, i0, mc, p0, kc, k, scratch.pairs.data());
        for (int jr = 0; jr < nc; jr += NR) {
          const int cols = std::min(NR, nc - jr);
          const u32* b = panel + static_cast<std::size_t>((j0 + jr) / NR) * bf16_panel_pairs(kc) * NR;
          for (int ir = 0; ir < mc; ir += MR) {
            const int rows = std::min(MR, mc - ir);
            float* c = C + (i0 + ir) * ldc + j0 + jr;
            const u32* a = scratch.pairs.data() + static_cast<std::ptrdiff_t>(ir / MR) * kc2 * MR;
            if (rows == MR && cols == NR) {
              micro_kernel(kc2, a, b, c, ldc, acc);
            } else {
              micro_kernel(kc2, a, b, tile, NR, false);
              for (int r = 0; r < rows; r++)
                for (int j = 0; j < cols; j++) c[r * ldc + j] = acc ? c[r * ldc + j] + tile[r * NR + j] : tile[r * NR + j];
            }
          }
        }
        if (last && epilogue) epilogue->apply(epilogue->ctx, C + i0 * ldc + j0, ldc, i0, mc, j0, nc);
      }
    }
  }
}

}  // namespace
#endif

void gemm_bf16_packed(int m, const Bf16Ref& A, const Bf16PackedB& B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel,
                      const Epilogue* epilogue) {
#ifdef KERNO_BF16
  const int n = B.n;
  if (m <= 0 || n <= 0) return;
  if (B.k == 0) {  // an empty sum
    if (!accumulate)
      for (int i = 0; i < m; i++) std::fill(C + i * ldc, C + i * ldc + n, 0.f);
    if (epilogue) epilogue->apply(epilogue->ctx, C, ldc, 0, m, 0, n);
    return;
  }
  // AMX's tiles where the CPU has them, else AVX512_BF16's vectors: rows go to threads in
  // multiples of the kernel's rows
  const bool amx = amx_supported();
  const auto run = amx ? amx_block : block;
  const int rows = amx ? kAmxRows : MR;
  if (!parallel || num_threads() == 1 || 2.0 * m * n * B.k < 4e6) return run(0, m, 0, n, A, B, C, ldc, accumulate, epilogue);
  if (m >= n) {
    parallel_for((m + rows - 1) / rows, 1, [&](std::size_t b0, std::size_t b1, int) {
      run(static_cast<int>(b0) * rows, std::min<int>(m, static_cast<int>(b1) * rows), 0, n, A, B, C, ldc, accumulate, epilogue);
    });
  } else {
    parallel_for(B.slivers(), 1, [&](std::size_t b0, std::size_t b1, int) {
      run(0, m, static_cast<int>(b0) * NR, std::min<int>(n, static_cast<int>(b1) * NR), A, B, C, ldc, accumulate, epilogue);
    });
  }
#else
  (void)m, (void)A, (void)B, (void)C, (void)ldc, (void)accumulate, (void)parallel, (void)epilogue;
#endif
}

void gemm_bf16(int m, int n, int k, MatRef A, MatRef B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel) {
  const Bf16Matrix a(m, k, A, parallel), b(k, n, B, parallel);
  gemm_bf16_packed(m, a.ref, bf16_pack_b(k, n, b.ref, parallel), C, ldc, accumulate, parallel, nullptr);
}

}  // namespace kerno
