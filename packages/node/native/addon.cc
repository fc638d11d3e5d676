// The Node-API module. Its kernel entry points are generated from src/backends/kernel-table/
// (bindings.gen.inc): each unpacks typed arrays (used in place, never copied) and numbers through
// Args, which checks every argument's type and length (a bad call throws a TypeError naming the
// kernel and the argument), and calls a kernel. Outputs are preallocated by the caller in
// JavaScript. All calls are synchronous: the binding and its checks cost well under a microsecond
// per call.
#include <napi.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "bindings.h"
#include "cpu.h"
#include "gemm.h"
#include "gemm_amx.h"
#include "kernels.h"
#include "threadpool.h"

namespace kerno {
namespace {

using Info = Napi::CallbackInfo;
using std::size_t;

Napi::Value Info_(const Info& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", isa_name(active_isa()));
  o.Set("threads", num_threads());
  o.Set("bf16", bf16_supported());
  o.Set("amx", amx_supported());
  return o;
}

// fmaPeak(threads?): 1 measures the calling thread alone, anything else (or nothing) every pool thread
Napi::Value FmaPeak(const Info& info) {
  const bool single = info.Length() > 0 && info[0].IsNumber() && info[0].As<Napi::Number>().Int32Value() == 1;
  return Napi::Number::New(info.Env(), fma_peak_gflops(single));
}

// The CPU's identity and cache sizes (cpu.h); -1 and "" where unknown
Napi::Value Cpu(const Info& info) {
  Napi::Env env = info.Env();
  const CpuIdentity id = cpu_identity();
  Napi::Object o = Napi::Object::New(env);
  o.Set("vendor", id.vendor);
  o.Set("brand", id.brand);
  o.Set("family", id.family);
  o.Set("model", id.model);
  o.Set("stepping", id.stepping);
  o.Set("l1dBytes", static_cast<double>(id.l1d));
  o.Set("l2Bytes", static_cast<double>(id.l2));
  o.Set("l3Bytes", static_cast<double>(id.l3));
  return o;
}

#include "bindings.gen.inc"

// Tensors are typed arrays that V8 allocates with malloc and frees at garbage collection. By
// default glibc serves blocks from 128 KB up with fresh mmap pages and gives freed memory back,
// so every such array pays a page fault per 4 KB on first touch. Blocks below 8 MB come from the
// heap, which keeps up to 2 GB of freed memory instead of trimming it, so their pages stay warm,
// as PyTorch's allocator does. Larger blocks are mapped and unmapped: the big activations are
// recycled by core's buffer pool instead, and on the heap larger garbage (a 180x180 batch is
// 12 MB) and native temporaries (autotuning trials) left freed holes that stayed resident
// (cats-vs-dogs for 2 epochs: 997 MB peak with every block on the heap, 883 MB with blocks from
// 32 MB mapped, 834 MB from 8 MB, at the same 320-380 ms a step).
void tune_allocator() {
#if defined(__GLIBC__)
  static bool done = false;
  if (done) return;
  done = true;
  mallopt(M_MMAP_THRESHOLD, 8 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 2047 * 1024 * 1024);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tune_allocator();
  exports.Set("info", Napi::Function::New(env, Info_, "info"));
  exports.Set("fmaPeak", Napi::Function::New(env, FmaPeak, "fmaPeak"));
  exports.Set("cpu", Napi::Function::New(env, Cpu, "cpu"));
  export_kernels(env, exports);
  return exports;
}

}  // namespace
}  // namespace kerno

static Napi::Object InitKerno(Napi::Env env, Napi::Object exports) { return kerno::Init(env, exports); }

NODE_API_MODULE(kerno, InitKerno)
