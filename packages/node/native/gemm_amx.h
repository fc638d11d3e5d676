// bfloat16 products on AMX's tiles (gemm_amx.cc): Intel's tile multiply, 16 rows x 16 columns x
// 32 products of k per instruction, where AVX512_BF16's vdpbf16ps does 16 x 2.
#pragma once

#include <cstddef>

#include "gemm.h"

namespace kerno {

// Rows of C per tile kernel call (two 16-row tiles); threads get rows in multiples of it.
constexpr int kAmxRows = 32;

// Whether bfloat16 products run on AMX: bf16_supported(), the CPU has AMX-TILE and AMX-BF16,
// Linux grants the process the tile data, and KERNO_AMX is not 0 (to run the AVX512_BF16 kernel).
bool amx_supported();

// C[i_begin:i_end, j_begin:j_end] = A B (plus C when accumulate), as gemm_bf16.cc's block;
// single-threaded. j_begin is a multiple of kBf16NR.
void amx_block(int i_begin, int i_end, int j_begin, int j_end, const Bf16Ref& A, const Bf16PackedB& B, float* C, std::ptrdiff_t ldc,
               bool accumulate, const Epilogue* epilogue);

}  // namespace kerno
