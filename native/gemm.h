// Single-precision matrix product C (+)= A x B on strided operands (so transposes are free).
#pragma once
#include <cstddef>

namespace kerno {

// Element (r, c) of a matrix view is data[r * rs + c * cs].
struct MatRef {
  const float* data;
  std::ptrdiff_t rs, cs;
};

inline MatRef row_major(const float* p, std::ptrdiff_t cols) { return {p, cols, 1}; }
inline MatRef transposed(const float* p, std::ptrdiff_t rows_of_stored) { return {p, 1, rows_of_stored}; }

// C[m x n] (row-major, leading dimension ldc) = A[m x k] B[k x n], plus C when accumulate.
// parallel: split across the thread pool (callers already inside a parallel region pass false).
void sgemm(int m, int n, int k, MatRef A, MatRef B, float* C, std::ptrdiff_t ldc, bool accumulate, bool parallel);

}  // namespace kerno
