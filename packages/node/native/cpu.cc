#include "cpu.h"

#include <cstdlib>
#include <cstring>

namespace kerno {
namespace {

Isa detect() {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return Isa::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::avx2;
#endif
  return Isa::portable;
}

Isa choose() {
  Isa best = detect();
  const char* env = std::getenv("KERNO_ISA");
  if (!env) return best;
  Isa wanted = best;
  if (std::strcmp(env, "portable") == 0) wanted = Isa::portable;
  else if (std::strcmp(env, "avx2") == 0) wanted = Isa::avx2;
  else if (std::strcmp(env, "avx512") == 0) wanted = Isa::avx512;
  // never select more than the CPU has
  return static_cast<int>(wanted) < static_cast<int>(best) ? wanted : best;
}

}  // namespace

Isa active_isa() {
  static const Isa isa = choose();
  return isa;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2+fma";
    default: return "portable";
  }
}

}  // namespace kerno
