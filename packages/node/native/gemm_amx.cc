// bfloat16 products on AMX tiles. B is gemm_bf16.cc's packed B as it is: a sliver's 16 k pairs
// of 16 columns are one B tile (rows NR words apart). A is packed per 16-row group as 16-pair
// steps, each step one A tile (16 rows of 16 pairs, 64 bytes a row). A call of the tile kernel
// keeps a 32 x 32 block of C in four tiles and loads two A tiles and two B tiles per step.
#include "gemm_amx.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "gemm_bf16_layout.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KERNO_AMX 1
#include <cpuid.h>
#include <immintrin.h>
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#endif
#endif

namespace kerno {

#ifdef KERNO_AMX
namespace {

using u16 = std::uint16_t;
using u32 = std::uint32_t;

constexpr int NR = kBf16NR, KC = kBf16KC, STEP = kBf16PairStep;
constexpr int TILE_WORDS = 16 * STEP;  // an A tile: 16 rows x 16 pairs
constexpr int MC = kAmxRows * 8;       // rows of A packed at once (256 KB for two panels)
constexpr int NC = NR * 32;

bool cpu_has_tiles() {
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  const bool tile = (d >> 24) & 1u, bf16 = (d >> 22) & 1u;
  if (!tile || !bf16) return false;
#ifdef __linux__
  // the tile data is off until the process asks (ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA)
  return syscall(SYS_arch_prctl, 0x1023, 18) == 0;
#else
  return false;
#endif
}

struct alignas(64) TileConfig {
  std::uint8_t palette, start_row, reserved[14];
  std::uint16_t colsb[16];
  std::uint8_t rows[16];
};

// Every tile 16 rows of 64 bytes. Loaded at each product's start and released at its end: the
// configuration is the thread's, and other code on the thread (another library) may change it;
// released, the tiles add nothing to the thread's saved state at a context switch.
__attribute__((target("amx-tile"))) void configure_tiles() {
  TileConfig cfg{};
  cfg.palette = 1;
  for (int t = 0; t < 8; t++) {
    cfg.colsb[t] = 64;
    cfg.rows[t] = 16;
  }
  // GCC 12 at -O2 does not see that ldtilecfg reads cfg and drops the stores
  asm volatile("" : : "r"(&cfg) : "memory");
  _tile_loadconfig(&cfg);
}

__attribute__((target("amx-tile"))) void release_tiles() { _tile_release(); }

// B's pairs for the tile kernel: up to two panels (a sliver's columns from b on), `steps` tiles each.
struct BTiles {
  const u32* b[2];
  int steps[2];
};

// C[32 x 32] = or += A (packed: two 16-row groups `group` words apart) times 32 columns of B,
// summed over both of B's panels in the tiles: C is loaded and stored once per 512 values of k,
// not per panel (VGG16: 17.3 against 16.6 img/s).
__attribute__((target("amx-tile,amx-bf16"))) void tile_kernel(const u32* a, std::size_t group, const BTiles& B, float* c,
                                                             std::ptrdiff_t ldc, bool accumulate) {
  const long cs = static_cast<long>(ldc * sizeof(float));
  if (accumulate) {
    _tile_loadd(0, c, cs);
    _tile_loadd(1, c + 16, cs);
    _tile_loadd(2, c + 16 * ldc, cs);
    _tile_loadd(3, c + 16 * ldc + 16, cs);
  } else {
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
  }
  for (int panel = 0; panel < 2; panel++) {
    const u32* b = B.b[panel];
    for (int t = 0; t < B.steps[panel]; t++, a += TILE_WORDS, b += STEP * NR) {
      // each load as late as its first use: the tiles are not renamed, so a load waits for the
      // last product that reads its tile (in-cache: 947 against 884 GFLOPS loading all four first)
      _tile_loadd(4, a, 64);
      _tile_loadd(6, b, NR * 4);
      _tile_dpbf16ps(0, 4, 6);
      _tile_loadd(7, b + 16, NR * 4);
      _tile_dpbf16ps(1, 4, 7);
      _tile_loadd(5, a + group, 64);
      _tile_dpbf16ps(2, 5, 6);
      _tile_dpbf16ps(3, 5, 7);
    }
  }
  _tile_stored(0, c, cs);
  _tile_stored(1, c + 16, cs);
  _tile_stored(2, c + 16 * ldc, cs);
  _tile_stored(3, c + 16 * ldc + 16, cs);
}

// A[i0:i0+mc, p0:p0+kc] as 16-row groups (mc rounded up to kAmxRows) of `steps` tiles: group g,
// step t, row r, pair q at g * steps * TILE_WORDS + t * TILE_WORDS + r * STEP + q; zeros past the
// rows and kc.
void pack_a(const Bf16Ref& A, int i0, int mc, int p0, int kc, int steps, u32* out) {
  const int groups = (mc + kAmxRows - 1) / kAmxRows * (kAmxRows / 16);
  for (int g = 0; g < groups; g++) {
    for (int r = 0; r < 16; r++) {
      const int row = g * 16 + r;
      u32* d = out + static_cast<std::size_t>(g) * steps * TILE_WORDS + r * STEP;
      if (row >= mc) {
        for (int t = 0; t < steps; t++) std::memset(d + t * TILE_WORDS, 0, STEP * 4);
        continue;
      }
      const u16* src = A.data + static_cast<long>(i0 + row) * A.rs + static_cast<long>(p0) * A.cs;
      for (int t = 0; t < steps; t++, d += TILE_WORDS) {
        const int k0 = t * 2 * STEP;  // this step's first k in the panel
        if (A.cs == 1 && k0 + 2 * STEP <= kc) {
          std::memcpy(d, src + k0, STEP * 4);
          continue;
        }
        for (int q = 0; q < STEP; q++) {
          const int p = k0 + 2 * q;
          const u32 lo = p < kc ? src[p * A.cs] : 0, hi = p + 1 < kc ? src[(p + 1) * A.cs] : 0;
          d[q] = lo | hi << 16;
        }
      }
    }
  }
}

}  // namespace

bool amx_supported() {
  static const bool yes = [] {
    const char* env = std::getenv("KERNO_AMX");
    if (env && std::strcmp(env, "0") == 0) return false;
    return bf16_supported() && cpu_has_tiles();
  }();
  return yes;
}

void amx_block(int i_begin, int i_end, int j_begin, int j_end, const Bf16Ref& A, const Bf16PackedB& B, float* C, std::ptrdiff_t ldc,
               bool accumulate, const Epilogue* epilogue) {
  configure_tiles();
  struct Release {
    ~Release() { release_tiles(); }
  } release;
  thread_local std::vector<u32> packed(static_cast<std::size_t>(MC) * KC);
  alignas(64) float tile[kAmxRows * 32];
  const int k = B.k;
  const std::size_t slivers = B.slivers();
  for (int j0 = j_begin; j0 < j_end; j0 += NC) {
    const int nc = std::min(NC, j_end - j0);
    // two of B's panels at a time (only the last of all can be short)
    for (int p0 = 0; p0 < k; p0 += 2 * KC) {
      const int kc0 = std::min(KC, k - p0), kc1 = std::max(0, std::min(KC, k - p0 - KC)), kc = kc0 + kc1;
      const int pairs0 = bf16_panel_pairs(kc0), pairs1 = kc1 > 0 ? bf16_panel_pairs(kc1) : 0;
      const int steps = (pairs0 + pairs1) / STEP;
      const std::size_t group = static_cast<std::size_t>(steps) * TILE_WORDS;
      const bool acc = accumulate || p0 > 0, last = p0 + kc >= k;
      const u32* panel0 = B.words.data() + (p0 / 2) * slivers * NR;
      const u32* panel1 = kc1 > 0 ? panel0 + slivers * KC / 2 * NR : nullptr;
      for (int i0 = i_begin; i0 < i_end; i0 += MC) {
        const int mc = std::min(MC, i_end - i0);
        // packed even where the tiles could load A's rows in place (measured: VGG16 at 18.4 img/s
        // packed, 17.1 in place): a packed tile is 1 KB in a row
        pack_a(A, i0, mc, p0, kc, steps, packed.data());
        for (int jr = 0; jr < nc; jr += 32) {
          const int cols = std::min(32, nc - jr);
          const std::size_t sliver = (j0 + jr) / NR, offset = (j0 + jr) % NR;
          const BTiles b{{panel0 + sliver * pairs0 * NR + offset, panel1 ? panel1 + sliver * pairs1 * NR + offset : nullptr},
                         {pairs0 / STEP, pairs1 / STEP}};
          for (int ir = 0; ir < mc; ir += kAmxRows) {
            const int rows = std::min(kAmxRows, mc - ir);
            float* c = C + (i0 + ir) * ldc + j0 + jr;
            const u32* a = packed.data() + (ir / 16) * group;
            if (rows == kAmxRows && cols == 32) {
              tile_kernel(a, group, b, c, ldc, acc);
              continue;
            }
            // C's part in the tile buffer, summed from there as a whole tile's is: a row's
            // roundings do not depend on where the batch puts it
            if (acc)
              for (int r = 0; r < kAmxRows; r++)
                for (int j = 0; j < 32; j++) tile[r * 32 + j] = r < rows && j < cols ? c[r * ldc + j] : 0.f;
            tile_kernel(a, group, b, tile, 32, acc);
            for (int r = 0; r < rows; r++) std::memcpy(c + r * ldc, tile + r * 32, sizeof(float) * cols);
          }
        }
        if (last && epilogue) epilogue->apply(epilogue->ctx, C + i0 * ldc + j0, ldc, i0, mc, j0, nc);
      }
    }
  }
}

#else

bool amx_supported() { return false; }

void amx_block(int, int, int, int, const Bf16Ref&, const Bf16PackedB&, float*, std::ptrdiff_t, bool, const Epilogue*) {}

#endif

}  // namespace kerno
