// Node-API entry points. Each function unpacks typed arrays (used in place, never copied) and
// numbers, and calls a kernel. Outputs are preallocated by the caller in JavaScript. All calls
// are synchronous: a kernel call costs well under a microsecond of binding overhead.
#include <napi.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "args.h"
#include "cpu.h"
#include "gemm.h"
#include "kernels.h"
#include "threadpool.h"

namespace kerno {
namespace {

using Info = Napi::CallbackInfo;

Napi::Value Info_(const Info& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", isa_name(active_isa()));
  o.Set("threads", num_threads());
  return o;
}

void SetNumThreads(const Info& info) { set_num_threads(num(info, 0)); }

ConvGeom conv_geom(const Info& info, int i) {
  const int32_t* p = i32(info, i);
  return {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14]};
}

PoolGeom pool_geom(const Info& info, int i) {
  const int32_t* p = i32(info, i);
  return {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]};
}

// gemm(a, aOffset, aRs, aCs, b, bOffset, bRs, bCs, c, cOffset, ldc, m, n, k, accumulate)
void Gemm(const Info& info) {
  MatRef A = {f32(info, 0) + num(info, 1), num(info, 2), num(info, 3)};
  MatRef B = {f32(info, 4) + num(info, 5), num(info, 6), num(info, 7)};
  sgemm(num(info, 11), num(info, 12), num(info, 13), A, B, f32(info, 8) + num(info, 9), num(info, 10), flag(info, 14), true);
}

// matMul(a, b, out, aOffsets, bOffsets, m, n, k, transA, transB): one product per batch entry
void MatMul(const Info& info) {
  const float* a = f32(info, 0);
  const float* b = f32(info, 1);
  float* out = f32(info, 2);
  const int32_t* ao = i32(info, 3);
  const int32_t* bo = i32(info, 4);
  const std::size_t batches = len(info, 3);
  const int m = num(info, 5), n = num(info, 6), k = num(info, 7);
  const bool ta = flag(info, 8), tb = flag(info, 9);
  for (std::size_t t = 0; t < batches; t++) {
    MatRef A = ta ? MatRef{a + ao[t], 1, m} : MatRef{a + ao[t], k, 1};
    MatRef B = tb ? MatRef{b + bo[t], 1, k} : MatRef{b + bo[t], n, 1};
    sgemm(m, n, k, A, B, out + static_cast<std::size_t>(t) * m * n, n, false, true);
  }
}

// conv2d(x, w, y, geometry, bias | null, act)
void Conv2d(const Info& info) { conv2d(f32(info, 0), f32(info, 1), f32(info, 2), conv_geom(info, 3), f32_or_null(info, 4), num(info, 5)); }
void Conv2dBackpropInput(const Info& info) { conv2d_backprop_input(f32(info, 0), f32(info, 1), f32(info, 2), conv_geom(info, 3)); }
void Conv2dBackpropFilter(const Info& info) { conv2d_backprop_filter(f32(info, 0), f32(info, 1), f32(info, 2), conv_geom(info, 3)); }
void MaxPool2d(const Info& info) { max_pool2d(f32(info, 0), f32(info, 1), pool_geom(info, 2)); }
void MaxPool2dGrad(const Info& info) { max_pool2d_grad(f32(info, 0), f32(info, 1), f32(info, 2), pool_geom(info, 3)); }
void AvgPool2d(const Info& info) { avg_pool2d(f32(info, 0), f32(info, 1), pool_geom(info, 2)); }
void AvgPool2dGrad(const Info& info) { avg_pool2d_grad(f32(info, 0), f32(info, 1), pool_geom(info, 2)); }

void Unary(const Info& info) { unary(num(info, 0), f32(info, 1), f32(info, 2), len(info, 1), static_cast<float>(dbl(info, 3))); }
void UnaryGrad(const Info& info) {
  unary_grad(num(info, 0), f32(info, 1), f32(info, 2), f32(info, 3), f32(info, 4), len(info, 1), static_cast<float>(dbl(info, 5)));
}

// binary(op, a, aStrides, b, bStrides, out, outShape, isComparison)
void Binary(const Info& info) {
  const bool cmp = flag(info, 7);
  const std::size_t total = len(info, 5);
  binary(num(info, 0), f32(info, 1), i32(info, 2), f32(info, 3), i32(info, 4), cmp ? nullptr : f32(info, 5),
         cmp ? u8(info, 5) : nullptr, i32(info, 6), static_cast<int>(len(info, 6)), total);
}

void BiasActivation(const Info& info) {
  const float* bias = f32_or_null(info, 1);
  bias_activation(f32(info, 0), bias, f32(info, 2), len(info, 0), num(info, 3), num(info, 4));
}
// biasActivationGrad(dy, y, dz, db | null, channels, act)
void BiasActivationGrad(const Info& info) {
  bias_activation_grad(f32(info, 0), f32(info, 1), f32(info, 2), f32_or_null(info, 3), len(info, 0), num(info, 4), num(info, 5));
}
void Reduce(const Info& info) { reduce(num(info, 0), f32(info, 1), f32(info, 2), num(info, 3), num(info, 4), num(info, 5)); }
void ArgReduce(const Info& info) { arg_reduce(flag(info, 0), f32(info, 1), i32(info, 2), num(info, 3), num(info, 4), num(info, 5)); }
void Transpose(const Info& info) {
  transpose(f32(info, 0), f32(info, 1), i32(info, 2), i32(info, 3), static_cast<int>(len(info, 2)), len(info, 1));
}

void Softmax(const Info& info) { softmax(f32(info, 0), f32(info, 1), num(info, 2), num(info, 3), num(info, 4), flag(info, 5)); }
void SoftmaxGrad(const Info& info) {
  softmax_grad(f32(info, 0), f32(info, 1), f32(info, 2), num(info, 3), num(info, 4), num(info, 5), flag(info, 6));
}
void SoftmaxCrossEntropy(const Info& info) {
  softmax_cross_entropy(f32(info, 0), f32(info, 1), f32(info, 2), f32(info, 3), num(info, 4), num(info, 5));
}
Napi::Value SparseSoftmaxCrossEntropy(const Info& info) {
  const long bad = sparse_softmax_cross_entropy(f32(info, 0), i32(info, 1), f32(info, 2), f32(info, 3), num(info, 4), num(info, 5));
  return Napi::Number::New(info.Env(), static_cast<double>(bad));
}
void SigmoidCrossEntropy(const Info& info) { sigmoid_cross_entropy(f32(info, 0), f32(info, 1), f32(info, 2), f32(info, 3), len(info, 0)); }

void SgdUpdate(const Info& info) {
  sgd_update(f32(info, 0), f32(info, 1), f32_or_null(info, 2), len(info, 0), static_cast<float>(dbl(info, 3)),
             static_cast<float>(dbl(info, 4)), flag(info, 5));
}
void RmspropUpdate(const Info& info) {
  rmsprop_update(f32(info, 0), f32(info, 1), f32(info, 2), f32_or_null(info, 3), len(info, 0), static_cast<float>(dbl(info, 4)),
                 static_cast<float>(dbl(info, 5)), static_cast<float>(dbl(info, 6)), static_cast<float>(dbl(info, 7)));
}
void AdamUpdate(const Info& info) {
  adam_update(f32(info, 0), f32(info, 1), f32(info, 2), f32(info, 3), len(info, 0), static_cast<float>(dbl(info, 4)),
              static_cast<float>(dbl(info, 5)), static_cast<float>(dbl(info, 6)), static_cast<float>(dbl(info, 7)), num(info, 8),
              static_cast<float>(dbl(info, 9)));
}

RnnSpec rnn_spec(const Info& info, int i) {
  const int32_t* p = i32(info, i);
  return {p[0], p[1], p[2], p[3], p[4], p[5], p[6]};
}

// rnnForward(spec, x, W, R, bias, h0, c0, mask, recMask, hs, cs, cache)
void RnnForward(const Info& info) {
  rnn_forward(rnn_spec(info, 0), f32(info, 1), f32(info, 2), f32(info, 3), f32_or_null(info, 4), f32(info, 5), f32_or_null(info, 6),
              f32_or_null(info, 7), f32_or_null(info, 8), f32(info, 9), f32_or_null(info, 10), f32_or_null(info, 11));
}

// rnnBackward(spec, dhs, dcT, x, W, R, h0, c0, mask, recMask, hs, cs, cache, dx, dW, dR, db, dh0, dc0)
void RnnBackward(const Info& info) {
  rnn_backward(rnn_spec(info, 0), f32(info, 1), f32_or_null(info, 2), f32(info, 3), f32(info, 4), f32(info, 5), f32(info, 6),
               f32_or_null(info, 7), f32_or_null(info, 8), f32_or_null(info, 9), f32(info, 10), f32_or_null(info, 11),
               f32_or_null(info, 12), f32(info, 13), f32(info, 14), f32(info, 15), f32_or_null(info, 16), f32(info, 17),
               f32_or_null(info, 18));
}

// Tensors are typed arrays that V8 allocates with calloc and frees at garbage collection. By
// default glibc serves blocks above 128 KB with fresh mmap pages, so every large activation of
// every training step pays a page fault per 4 KB on first touch (about 2 ms for a 5 MB
// activation here). Serving blocks up to 32 MB from the heap, and keeping freed memory instead
// of trimming it back, reuses warm pages, as PyTorch's allocator does.
void tune_allocator() {
#if defined(__GLIBC__)
  static bool done = false;
  if (done) return;
  done = true;
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tune_allocator();
#define EXPORT(name, fn) exports.Set(name, Napi::Function::New(env, fn, name))
  EXPORT("info", Info_);
  EXPORT("setNumThreads", SetNumThreads);
  EXPORT("gemm", Gemm);
  EXPORT("matMul", MatMul);
  EXPORT("conv2d", Conv2d);
  EXPORT("conv2dBackpropInput", Conv2dBackpropInput);
  EXPORT("conv2dBackpropFilter", Conv2dBackpropFilter);
  EXPORT("maxPool2d", MaxPool2d);
  EXPORT("maxPool2dGrad", MaxPool2dGrad);
  EXPORT("avgPool2d", AvgPool2d);
  EXPORT("avgPool2dGrad", AvgPool2dGrad);
  EXPORT("unary", Unary);
  EXPORT("unaryGrad", UnaryGrad);
  EXPORT("binary", Binary);
  EXPORT("biasActivation", BiasActivation);
  EXPORT("biasActivationGrad", BiasActivationGrad);
  EXPORT("reduce", Reduce);
  EXPORT("argReduce", ArgReduce);
  EXPORT("transpose", Transpose);
  EXPORT("softmax", Softmax);
  EXPORT("softmaxGrad", SoftmaxGrad);
  EXPORT("softmaxCrossEntropy", SoftmaxCrossEntropy);
  EXPORT("sparseSoftmaxCrossEntropy", SparseSoftmaxCrossEntropy);
  EXPORT("sigmoidCrossEntropy", SigmoidCrossEntropy);
  EXPORT("sgdUpdate", SgdUpdate);
  EXPORT("rmspropUpdate", RmspropUpdate);
  EXPORT("adamUpdate", AdamUpdate);
  EXPORT("rnnForward", RnnForward);
  EXPORT("rnnBackward", RnnBackward);
#undef EXPORT
  return exports;
}

}  // namespace
}  // namespace kerno

static Napi::Object InitKerno(Napi::Env env, Napi::Object exports) { return kerno::Init(env, exports); }

NODE_API_MODULE(kerno, InitKerno)
