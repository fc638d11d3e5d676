// Single-precision matrix product C (+)= A x B. B is a strided matrix; A is either a strided
// matrix or produced on the fly by a packing callback (convolutions pack image patches straight
// into the product's A panels, with no im2col buffer). An optional epilogue runs on each block
// of C as soon as it is final, while it is still in cache (bias + activation).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kerno {

// Element (r, c) of a matrix view is data[r * rs + c * cs].
struct MatRef {
  const float* data;
  std::ptrdiff_t rs, cs;
};

inline MatRef row_major(const float* p, std::ptrdiff_t cols) { return {p, cols, 1}; }
inline MatRef transposed(const float* p, std::ptrdiff_t rows_of_stored) { return {p, 1, rows_of_stored}; }

// Rows of A in one packed sliver, for every instruction set.
constexpr int kGemmMR = 6;

// Packs A[i0:i0+mc, p0:p0+kc] as slivers of kGemmMR rows, k-major inside a sliver
// (out[s * kc * MR + p * MR + r]), zero-padding the last sliver's missing rows.
struct APacker {
  void (*pack)(const void* ctx, int i0, int mc, int p0, int kc, float* out);
  const void* ctx;
};

// Called once per finished block of C: rows [i0, i0+rows), columns [j0, j0+cols), at c.
struct Epilogue {
  void (*apply)(const void* ctx, float* c, std::ptrdiff_t ldc, int i0, int rows, int j0, int cols);
  const void* ctx;
};

// The packer of an ordinary strided matrix (A must outlive the product).
APacker strided_packer(const MatRef* A);

// C[m x n] (row-major, leading dimension ldc) = A[m x k] B[k x n], plus C when accumulate.
// parallel: split across the thread pool (callers already inside a parallel region pass false).
void sgemm(int m, int n, int k, MatRef A, MatRef B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel);
void sgemm_packed(int m, int n, int k, const APacker& A, MatRef B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel,
                  const Epilogue* epilogue);

// B [k x n] packed once in this CPU's GEMM layout, for many products against it (each of
// Winograd's transformed kernels meets every block of tiles): packing it per call cost as much
// as the multiply-adds on VGG16's 512-channel layers. out holds sgemm_packed_b_floats(k, n).
std::size_t sgemm_packed_b_floats(int k, int n);
void sgemm_pack_b(int k, int n, MatRef B, float* out);
// Rows [i_begin, i_end) of C [.. x n] = A [.. x k] times B packed by sgemm_pack_b (plus C when
// accumulate), on the calling thread.
void sgemm_prepacked(int i_begin, int i_end, int n, int k, const APacker& A, const float* packed_b, float* C, std::ptrdiff_t ldc,
                     bool accumulate, const Epilogue* epilogue);

// The multiply-add peak of this CPU on the active instruction set, in GFLOPS, measured (about
// 0.2 s): what GEMM speeds are a share of. single_thread: on the calling thread alone; otherwise
// on every pool thread at once.
double fma_peak_gflops(bool single_thread = false);

// Mixed precision (gemm_bf16.cc): A and B rounded to bfloat16, products summed in float32, on
// CPUs with AVX512_BF16 (bf16_supported(); callers check it: elsewhere these do nothing).
bool bf16_supported();
std::uint16_t to_bf16(float f);
void to_bf16(const float* x, std::uint16_t* y, std::size_t n);

// A view of a bfloat16 matrix, as MatRef.
struct Bf16Ref {
  const std::uint16_t* data;
  std::ptrdiff_t rs, cs;
};

// A float32 matrix [rows x cols] converted to bfloat16, rows or columns contiguous as in M.
struct Bf16Matrix {
  std::vector<std::uint16_t> values;
  Bf16Ref ref;
  Bf16Matrix(int rows, int cols, MatRef M, bool parallel);
};

// B [k x n] as bfloat16 pairs along k, packed once and shared by every block and thread.
struct Bf16PackedB {
  std::vector<std::uint32_t> words;
  int k = 0, n = 0;
  std::size_t slivers() const;
};
Bf16PackedB bf16_pack_b(int k, int n, Bf16Ref B, bool parallel);

// C[m x B.n] = A[m x B.k] B, plus C when accumulate; the epilogue as in sgemm_packed.
void gemm_bf16_packed(int m, const Bf16Ref& A, const Bf16PackedB& B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel,
                      const Epilogue* epilogue);
void gemm_bf16(int m, int n, int k, MatRef A, MatRef B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel);

}  // namespace kerno
