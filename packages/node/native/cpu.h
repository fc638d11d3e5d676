// Which SIMD instruction set the kernels use, chosen once at load time from the CPU's features.
// KERNO_ISA=portable|avx2|avx512 lowers the choice (tests use it to exercise every path).
#pragma once

namespace kerno {

enum class Isa { portable = 0, avx2 = 1, avx512 = 2 };

Isa active_isa();
const char* isa_name(Isa isa);

}  // namespace kerno
