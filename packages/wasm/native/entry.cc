// The WebAssembly module: the kernels of @kerno/node's native/ compiled with Emscripten (128-bit
// SIMD through the portable path's vector extensions), and their entry points generated from
// the kernel table (bindings.gen.inc), called by index through kerno_call with the arguments
// src/call.ts laid out as slots in the module's memory.
#include <emscripten.h>

#include <cstdlib>
#include <string>

#include "bindings.h"
#include "cpu.h"
#include "kernels.h"
#include "threadpool.h"

namespace kerno {
namespace {

using Info = Call;
using Entry = double (*)(const Info&);

#include "bindings.gen.inc"

std::string last_error;

}  // namespace
}  // namespace kerno

extern "C" {

// Calls entry `index` (the order of src/bindings.gen.ts); *failed is 1 when a check failed
// (kerno_error() says which), else the entry's value (0 for kernels that return none).
EMSCRIPTEN_KEEPALIVE double kerno_call(int index, const kerno::Slot* slots, int n, int* failed) {
  using namespace kerno;
  *failed = 0;
  if (index < 0 || index >= static_cast<int>(sizeof(kEntries) / sizeof(kEntries[0]))) {
    last_error = "wasm: no entry point " + std::to_string(index);
    *failed = 1;
    return 0;
  }
  last_error.clear();
  const Call call{slots, n, &last_error};
  const double value = kEntries[index](call);
  if (!last_error.empty()) *failed = 1;
  return value;
}

EMSCRIPTEN_KEEPALIVE const char* kerno_error() { return kerno::last_error.c_str(); }

EMSCRIPTEN_KEEPALIVE int kerno_entries() { return static_cast<int>(sizeof(kerno::kEntries) / sizeof(kerno::kEntries[0])); }

EMSCRIPTEN_KEEPALIVE int kerno_threads() { return kerno::num_threads(); }

// Caps the kernels' thread pool at n threads (the pool's KERNO_NUM_THREADS), before the first
// call makes the pool: in a browser the loader starts n - 1 workers with the module, and a pool
// thread beyond them would need a worker that loads only once the main thread is idle, which it
// is not while it waits for that thread.
EMSCRIPTEN_KEEPALIVE void kerno_limit_threads(int n) { setenv("KERNO_NUM_THREADS", std::to_string(n).c_str(), 1); }

}
