#include "cpu.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

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

#if defined(_SC_LEVEL1_DCACHE_SIZE)
namespace {

// glibc answers these from CPUID (leaf 4 on Intel, 0x8000001D on AMD); other C libraries lack the names
long cache_bytes(int name) {
  const long v = sysconf(name);
  return v > 0 ? v : -1;
}

}  // namespace
#endif

CpuIdentity cpu_identity() {
  CpuIdentity id;
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(0, &a, &b, &c, &d)) {
    char vendor[13] = {};
    std::memcpy(vendor, &b, 4);
    std::memcpy(vendor + 4, &d, 4);
    std::memcpy(vendor + 8, &c, 4);
    id.vendor = vendor;
  }
  if (__get_cpuid(1, &a, &b, &c, &d)) {
    // the display family and model, as Linux's /proc/cpuinfo shows them
    const int base_family = (a >> 8) & 0xf, base_model = (a >> 4) & 0xf;
    id.family = base_family == 0xf ? base_family + static_cast<int>((a >> 20) & 0xff) : base_family;
    id.model = base_family == 0x6 || base_family == 0xf ? base_model + static_cast<int>(((a >> 16) & 0xf) << 4) : base_model;
    id.stepping = static_cast<int>(a & 0xf);
  }
  if (__get_cpuid(0x80000000, &a, &b, &c, &d) && a >= 0x80000004) {
    char brand[49] = {};
    for (unsigned leaf = 0; leaf < 3; leaf++) {
      __get_cpuid(0x80000002 + leaf, &a, &b, &c, &d);
      std::memcpy(brand + 16 * leaf, &a, 4);
      std::memcpy(brand + 16 * leaf + 4, &b, 4);
      std::memcpy(brand + 16 * leaf + 8, &c, 4);
      std::memcpy(brand + 16 * leaf + 12, &d, 4);
    }
    id.brand = brand;
    // brand strings are padded with spaces on either side
    const auto first = id.brand.find_first_not_of(' '), last = id.brand.find_last_not_of(' ');
    id.brand = first == std::string::npos ? "" : id.brand.substr(first, last - first + 1);
  }
#endif
#if defined(_SC_LEVEL1_DCACHE_SIZE)
  id.l1d = cache_bytes(_SC_LEVEL1_DCACHE_SIZE);
  id.l2 = cache_bytes(_SC_LEVEL2_CACHE_SIZE);
  id.l3 = cache_bytes(_SC_LEVEL3_CACHE_SIZE);
#endif
  return id;
}

}  // namespace kerno
