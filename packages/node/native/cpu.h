// Which SIMD instruction set the kernels use, chosen once at load time from the CPU's features.
// KERNO_ISA=portable|avx2|avx512 lowers the choice (tests use it to exercise every path).
#pragma once
#include <string>

namespace kerno {

enum class Isa { portable = 0, avx2 = 1, avx512 = 2 };

Isa active_isa();
const char* isa_name(Isa isa);

// What the CPU says it is (CPUID on x86: vendor, display family and model, stepping, brand
// string) and its data cache sizes in bytes per level (sysconf where the C library answers it
// from CPUID, as glibc does); unknown numbers are -1 and unknown strings empty. For the machine
// profile (packages/node/src/backends/native/profile.ts), which fills gaps from /sys.
struct CpuIdentity {
  std::string vendor, brand;
  int family = -1, model = -1, stepping = -1;
  long l1d = -1, l2 = -1, l3 = -1;
};
CpuIdentity cpu_identity();

}  // namespace kerno
