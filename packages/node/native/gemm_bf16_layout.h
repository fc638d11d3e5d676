// The layout of bfloat16 products' packed operands, shared by the AVX512_BF16 kernels
// (gemm_bf16.cc) and the AMX tiles (gemm_amx.cc).
#pragma once

#include <cstddef>

namespace kerno {

constexpr int kBf16NR = 64;   // columns per packed B sliver: four vectors of 16 float32 sums
constexpr int kBf16KC = 256;  // k per panel; even, so panels never split a pair
// k pairs per panel are padded to this (zeros): AMX tiles take 16 pairs at a time
constexpr int kBf16PairStep = 16;

// A panel's k pairs as packed, for a panel of kc values of k.
constexpr int bf16_panel_pairs(int kc) { return ((kc + 1) / 2 + kBf16PairStep - 1) / kBf16PairStep * kBf16PairStep; }

}  // namespace kerno
