// Node-API entry points. Each function unpacks typed arrays (used in place, never copied) and
// numbers through Args, which checks every argument's type and length (a bad call throws a
// TypeError naming the kernel and the argument), and calls a kernel. Outputs are preallocated by
// the caller in JavaScript. All calls are synchronous: the binding and its checks cost well under
// a microsecond per call.
#include <napi.h>

#include <initializer_list>

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
using std::size_t;

Napi::Value Info_(const Info& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", isa_name(active_isa()));
  o.Set("threads", num_threads());
  o.Set("bf16", bf16_supported());
  return o;
}

Napi::Value FmaPeak(const Info& info) { return Napi::Number::New(info.Env(), fma_peak_gflops()); }

size_t prod(std::initializer_list<long> dims) {
  size_t n = 1;
  for (long d : dims) n *= static_cast<size_t>(d < 0 ? 0 : d);
  return n;
}

bool positive(const int32_t* p, int from, int to) {
  for (int i = from; i < to; i++) if (p[i] <= 0) return false;
  return true;
}

// A conv geometry: batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft.
ConvGeom conv_geom(Args& a, int i) {
  const int32_t* p = a.i32(i, "geometry", 15);
  if (!a.ok()) return {};
  a.require(positive(p, 0, 13) && p[13] >= 0 && p[14] >= 0, "geometry", "needs positive sizes, strides and dilations and non-negative padding");
  return {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14]};
}
size_t conv_x(const ConvGeom& g) { return prod({g.batch, g.inH, g.inW, g.inC}); }
size_t conv_w(const ConvGeom& g) { return prod({g.kH, g.kW, g.inC, g.outC}); }
size_t conv_y(const ConvGeom& g) { return prod({g.batch, g.outH, g.outW, g.outC}); }

// A pool geometry: batch, inH, inW, channels, outH, outW, kH, kW, strideH, strideW, padTop, padLeft.
PoolGeom pool_geom(Args& a, int i, const char* what = "geometry") {
  const int32_t* p = a.i32(i, what, 12);
  if (!a.ok()) return {};
  a.require(positive(p, 0, 10) && p[10] >= 0 && p[11] >= 0, what, "needs positive sizes and strides and non-negative padding");
  return {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]};
}
size_t pool_x(const PoolGeom& g) { return prod({g.batch, g.inH, g.inW, g.channels}); }
size_t pool_y(const PoolGeom& g) { return prod({g.batch, g.outH, g.outW, g.channels}); }

// A mixed-precision flag: true asks for bfloat16 products, which this CPU must support.
bool bf16_flag(Args& a, int i) {
  const bool bf16 = a.flag(i, "bf16");
  a.require(!bf16 || bf16_supported(), "bf16", "asks for bfloat16 products, but this CPU (or KERNO_ISA) lacks AVX512_BF16");
  return bf16;
}

// matMul(a, b, out, aOffsets, bOffsets, m, n, k, transA, transB, bf16): one product per batch entry
void MatMul(const Info& info) {
  Args a(info, "matMul");
  const int m = a.num(5, "m"), n = a.num(6, "n"), k = a.num(7, "k");
  const bool ta = a.flag(8, "transA"), tb = a.flag(9, "transB"), bf16 = bf16_flag(a, 10);
  const size_t batches = a.len(3);
  const int32_t* ao = a.i32(3, "aOffsets");
  const int32_t* bo = a.i32(4, "bOffsets", batches);
  const float* A = a.f32(0, "a");
  const float* B = a.f32(1, "b");
  float* out = a.f32(2, "out", batches * prod({m, n}));
  if (!a.ok()) return;
  for (size_t t = 0; t < batches; t++) {
    a.require(ao[t] >= 0 && static_cast<size_t>(ao[t]) + prod({m, k}) <= a.len(0), "a", "is too short for its batch offsets");
    a.require(bo[t] >= 0 && static_cast<size_t>(bo[t]) + prod({k, n}) <= a.len(1), "b", "is too short for its batch offsets");
  }
  if (!a.ok()) return;
  for (size_t t = 0; t < batches; t++) {
    MatRef MA = ta ? MatRef{A + ao[t], 1, m} : MatRef{A + ao[t], k, 1};
    MatRef MB = tb ? MatRef{B + bo[t], 1, k} : MatRef{B + bo[t], n, 1};
    if (bf16) gemm_bf16(m, n, k, MA, MB, out + t * prod({m, n}), n, false, true);
    else sgemm(m, n, k, MA, MB, out + t * prod({m, n}), n, false, true);
  }
}

// conv2d(x, w, y, geometry, bias | null, act, bf16); the gradients' last argument is bf16 too
void Conv2d(const Info& info) {
  Args a(info, "conv2d");
  const ConvGeom g = conv_geom(a, 3);
  const float* x = a.f32(0, "x", conv_x(g));
  const float* w = a.f32(1, "w", conv_w(g));
  float* y = a.f32(2, "y", conv_y(g));
  const float* bias = a.f32_or_null(4, "bias", g.outC);
  const int act = a.code(5, "act", ACT_COUNT);
  const bool bf16 = bf16_flag(a, 6);
  if (a.ok()) conv2d(x, w, y, g, bias, act, bf16);
}
// conv2dMaxPool(x, w, y, convGeometry, bias | null, act, poolGeometry, bf16)
void Conv2dMaxPool(const Info& info) {
  Args a(info, "conv2dMaxPool");
  const ConvGeom g = conv_geom(a, 3);
  const PoolGeom p = pool_geom(a, 6, "poolGeometry");
  a.require(p.batch == g.batch && p.inH == g.outH && p.inW == g.outW && p.channels == g.outC, "poolGeometry", "must pool the convolution's output");
  const float* x = a.f32(0, "x", conv_x(g));
  const float* w = a.f32(1, "w", conv_w(g));
  float* y = a.f32(2, "y", pool_y(p));
  const float* bias = a.f32_or_null(4, "bias", g.outC);
  const int act = a.code(5, "act", ACT_COUNT);
  const bool bf16 = bf16_flag(a, 7);
  if (a.ok()) conv2d_max_pool(x, w, y, g, bias, act, p, bf16);
}
void Conv2dBackpropInput(const Info& info) {
  Args a(info, "conv2dBackpropInput");
  const ConvGeom g = conv_geom(a, 3);
  const float* dy = a.f32(0, "dy", conv_y(g));
  const float* w = a.f32(1, "w", conv_w(g));
  float* dx = a.f32(2, "dx", conv_x(g));
  const bool bf16 = bf16_flag(a, 4);
  if (a.ok()) conv2d_backprop_input(dy, w, dx, g, bf16);
}
void Conv2dBackpropFilter(const Info& info) {
  Args a(info, "conv2dBackpropFilter");
  const ConvGeom g = conv_geom(a, 3);
  const float* x = a.f32(0, "x", conv_x(g));
  const float* dy = a.f32(1, "dy", conv_y(g));
  float* dw = a.f32(2, "dw", conv_w(g));
  const bool bf16 = bf16_flag(a, 4);
  if (a.ok()) conv2d_backprop_filter(x, dy, dw, g, bf16);
}

// depthwise conv: the kernel is [kh, kw, inC, outC / inC]
size_t depthwise_w(const ConvGeom& g) { return prod({g.kH, g.kW, g.outC}); }
void DepthwiseConv2d(const Info& info) {
  Args a(info, "depthwiseConv2d");
  const ConvGeom g = conv_geom(a, 3);
  a.require(g.inC > 0 && g.outC % g.inC == 0, "geometry", "needs outC a multiple of inC");
  const float* x = a.f32(0, "x", conv_x(g));
  const float* w = a.f32(1, "w", depthwise_w(g));
  float* y = a.f32(2, "y", conv_y(g));
  const float* bias = a.f32_or_null(4, "bias", g.outC);
  const int act = a.code(5, "act", ACT_COUNT);
  if (a.ok()) depthwise_conv2d(x, w, y, g, bias, act);
}
void DepthwiseConv2dBackpropInput(const Info& info) {
  Args a(info, "depthwiseConv2dBackpropInput");
  const ConvGeom g = conv_geom(a, 3);
  a.require(g.inC > 0 && g.outC % g.inC == 0, "geometry", "needs outC a multiple of inC");
  const float* dy = a.f32(0, "dy", conv_y(g));
  const float* w = a.f32(1, "w", depthwise_w(g));
  float* dx = a.f32(2, "dx", conv_x(g));
  if (a.ok()) depthwise_conv2d_backprop_input(dy, w, dx, g);
}
void DepthwiseConv2dBackpropFilter(const Info& info) {
  Args a(info, "depthwiseConv2dBackpropFilter");
  const ConvGeom g = conv_geom(a, 3);
  a.require(g.inC > 0 && g.outC % g.inC == 0, "geometry", "needs outC a multiple of inC");
  const float* x = a.f32(0, "x", conv_x(g));
  const float* dy = a.f32(1, "dy", conv_y(g));
  float* dw = a.f32(2, "dw", depthwise_w(g));
  if (a.ok()) depthwise_conv2d_backprop_filter(x, dy, dw, g);
}

void MaxPool2d(const Info& info) {
  Args a(info, "maxPool2d");
  const PoolGeom g = pool_geom(a, 2);
  const float* x = a.f32(0, "x", pool_x(g));
  float* y = a.f32(1, "y", pool_y(g));
  if (a.ok()) max_pool2d(x, y, g);
}
void MaxPool2dGrad(const Info& info) {
  Args a(info, "maxPool2dGrad");
  const PoolGeom g = pool_geom(a, 3);
  const float* dy = a.f32(0, "dy", pool_y(g));
  const float* x = a.f32(1, "x", pool_x(g));
  float* dx = a.f32(2, "dx", pool_x(g));
  if (a.ok()) max_pool2d_grad(dy, x, dx, g);
}
// maxPool2dReluGrad(dy, x, dz, db, geometry)
void MaxPool2dReluGrad(const Info& info) {
  Args a(info, "maxPool2dReluGrad");
  const PoolGeom g = pool_geom(a, 4);
  const float* dy = a.f32(0, "dy", pool_y(g));
  const float* x = a.f32(1, "x", pool_x(g));
  float* dz = a.f32(2, "dz", pool_x(g));
  float* db = a.f32(3, "db", static_cast<size_t>(g.channels));
  if (a.ok()) max_pool2d_relu_grad(dy, x, dz, db, g);
}
void AvgPool2d(const Info& info) {
  Args a(info, "avgPool2d");
  const PoolGeom g = pool_geom(a, 2);
  const float* x = a.f32(0, "x", pool_x(g));
  float* y = a.f32(1, "y", pool_y(g));
  if (a.ok()) avg_pool2d(x, y, g);
}
void AvgPool2dGrad(const Info& info) {
  Args a(info, "avgPool2dGrad");
  const PoolGeom g = pool_geom(a, 2);
  const float* dy = a.f32(0, "dy", pool_y(g));
  float* dx = a.f32(1, "dx", pool_x(g));
  if (a.ok()) avg_pool2d_grad(dy, dx, g);
}

// unary(op, x, y, alpha)
void Unary(const Info& info) {
  Args a(info, "unary");
  const int op = a.code(0, "op", UNARY_COUNT);
  const float* x = a.f32(1, "x");
  const size_t n = a.len(1);
  float* y = a.f32(2, "y", n);
  const float alpha = a.f(3, "alpha");
  if (a.ok()) unary(op, x, y, n, alpha);
}
// unaryGrad(op, dy, x, y, dx, alpha)
void UnaryGrad(const Info& info) {
  Args a(info, "unaryGrad");
  const int op = a.code(0, "op", UNARY_COUNT);
  const float* dy = a.f32(1, "dy");
  const size_t n = a.len(1);
  const float* x = a.f32(2, "x", n);
  const float* y = a.f32(3, "y", n);
  float* dx = a.f32(4, "dx", n);
  const float alpha = a.f(5, "alpha");
  if (a.ok()) unary_grad(op, dy, x, y, dx, n, alpha);
}

// The highest element index that `strides` reach over `shape`, plus one.
size_t reach(const int32_t* shape, const int32_t* strides, int rank) {
  size_t last = 0;
  for (int d = 0; d < rank; d++) {
    if (shape[d] == 0) return 0;
    last += static_cast<size_t>(shape[d] - 1) * static_cast<size_t>(strides[d] < 0 ? 0 : strides[d]);
  }
  return last + 1;
}

bool non_negative(const int32_t* p, int n) {
  for (int i = 0; i < n; i++) if (p[i] < 0) return false;
  return true;
}

// binary(op, a, aStrides, b, bStrides, out, outShape, isComparison)
void Binary(const Info& info) {
  Args a(info, "binary");
  const int op = a.code(0, "op", BINARY_COUNT);
  const bool cmp = a.flag(7, "isComparison");
  const int rank = static_cast<int>(a.len(6));
  const int32_t* shape = a.i32(6, "outShape");
  a.require(rank <= 16, "outShape", "has more than 16 dimensions");
  const int32_t* as = a.i32(2, "aStrides", rank);
  const int32_t* bs = a.i32(4, "bStrides", rank);
  if (!a.ok()) return;
  a.require(non_negative(shape, rank) && non_negative(as, rank) && non_negative(bs, rank), "outShape", "and the strides must be non-negative");
  size_t total = 1;
  for (int d = 0; d < rank; d++) total *= static_cast<size_t>(shape[d]);
  const float* A = a.f32(1, "a", total ? reach(shape, as, rank) : 0);
  const float* B = a.f32(3, "b", total ? reach(shape, bs, rank) : 0);
  float* out_f = cmp ? nullptr : a.f32(5, "out", total);
  uint8_t* out_b = cmp ? a.u8(5, "out", total) : nullptr;
  if (a.ok()) binary(op, A, as, B, bs, out_f, out_b, shape, rank, total);
}

// biasActivation(x, bias | null, y, channels, act, scale | null)
void BiasActivation(const Info& info) {
  Args a(info, "biasActivation");
  const float* x = a.f32(0, "x");
  const size_t n = a.len(0);
  const int channels = a.num(3, "channels", 1);
  a.require(channels > 0 && n % channels == 0, "x", "length must be a multiple of channels");
  const float* bias = a.f32_or_null(1, "bias", channels);
  float* y = a.f32(2, "y", n);
  const int act = a.code(4, "act", ACT_COUNT);
  const float* scale = a.f32_or_null(5, "scale", channels);
  if (a.ok()) bias_activation(x, bias, scale, y, n, channels, act);
}
// biasActivationGrad(dy, y, dz, db | null, channels, act)
void BiasActivationGrad(const Info& info) {
  Args a(info, "biasActivationGrad");
  const float* dy = a.f32(0, "dy");
  const size_t n = a.len(0);
  const int channels = a.num(4, "channels");
  a.require(n % (channels ? channels : 1) == 0, "dy", "length must be a multiple of channels");
  const float* y = a.f32(1, "y", n);
  float* dz = a.f32(2, "dz", n);
  float* db = a.f32_or_null(3, "db", channels);
  a.require(!db || channels > 0, "channels", "must be positive when db is given");
  const int act = a.code(5, "act", ACT_COUNT);
  if (a.ok()) bias_activation_grad(dy, y, dz, db, n, channels, act);
}

// reduce(op, x, y, outer, n, inner)
void Reduce(const Info& info) {
  Args a(info, "reduce");
  const int op = a.code(0, "op", REDUCE_COUNT);
  const int outer = a.num(3, "outer"), n = a.num(4, "n"), inner = a.num(5, "inner");
  const float* x = a.f32(1, "x", prod({outer, n, inner}));
  float* y = a.f32(2, "y", prod({outer, inner}));
  if (a.ok()) reduce(op, x, y, outer, n, inner);
}
// argReduce(isMax, x, y, outer, n, inner)
void ArgReduce(const Info& info) {
  Args a(info, "argReduce");
  const bool is_max = a.flag(0, "isMax");
  const int outer = a.num(3, "outer"), n = a.num(4, "n", 1), inner = a.num(5, "inner");
  const float* x = a.f32(1, "x", prod({outer, n, inner}));
  int32_t* y = a.i32(2, "y", prod({outer, inner}));
  if (a.ok()) arg_reduce(is_max, x, y, outer, n, inner);
}
// transpose(x, y, outShape, srcStrides)
void Transpose(const Info& info) {
  Args a(info, "transpose");
  const int rank = static_cast<int>(a.len(2));
  a.require(rank >= 1 && rank <= 16, "outShape", "must have 1 to 16 dimensions");
  const int32_t* shape = a.i32(2, "outShape");
  const int32_t* strides = a.i32(3, "srcStrides", rank);
  if (!a.ok()) return;
  a.require(non_negative(shape, rank) && non_negative(strides, rank), "outShape", "and the strides must be non-negative");
  size_t total = 1;
  for (int d = 0; d < rank; d++) total *= static_cast<size_t>(shape[d]);
  const float* x = a.f32(0, "x", total ? reach(shape, strides, rank) : 0);
  float* y = a.f32(1, "y", total);
  if (a.ok()) transpose(x, y, shape, strides, rank, total);
}

// softmax(x, y, outer, n, inner, log)
void Softmax(const Info& info) {
  Args a(info, "softmax");
  const int outer = a.num(2, "outer"), n = a.num(3, "n"), inner = a.num(4, "inner");
  const float* x = a.f32(0, "x", prod({outer, n, inner}));
  float* y = a.f32(1, "y", prod({outer, n, inner}));
  const bool log = a.flag(5, "log");
  if (a.ok()) softmax(x, y, outer, n, inner, log);
}
// softmaxGrad(dy, y, dx, outer, n, inner, log)
void SoftmaxGrad(const Info& info) {
  Args a(info, "softmaxGrad");
  const int outer = a.num(3, "outer"), n = a.num(4, "n"), inner = a.num(5, "inner");
  const size_t total = prod({outer, n, inner});
  const float* dy = a.f32(0, "dy", total);
  const float* y = a.f32(1, "y", total);
  float* dx = a.f32(2, "dx", total);
  const bool log = a.flag(6, "log");
  if (a.ok()) softmax_grad(dy, y, dx, outer, n, inner, log);
}
// softmaxCrossEntropy(logits, labels, loss, dlogits, rows, classes)
void SoftmaxCrossEntropy(const Info& info) {
  Args a(info, "softmaxCrossEntropy");
  const int rows = a.num(4, "rows"), classes = a.num(5, "classes", 1);
  const size_t total = prod({rows, classes});
  const float* logits = a.f32(0, "logits", total);
  const float* labels = a.f32(1, "labels", total);
  float* loss = a.f32(2, "loss", rows);
  float* dlogits = a.f32(3, "dlogits", total);
  if (a.ok()) softmax_cross_entropy(logits, labels, loss, dlogits, rows, classes);
}
// sparseSoftmaxCrossEntropy(logits, labels, loss, dlogits, rows, classes): -1, or the first bad row
Napi::Value SparseSoftmaxCrossEntropy(const Info& info) {
  Args a(info, "sparseSoftmaxCrossEntropy");
  const int rows = a.num(4, "rows"), classes = a.num(5, "classes", 1);
  const size_t total = prod({rows, classes});
  const float* logits = a.f32(0, "logits", total);
  const int32_t* labels = a.i32(1, "labels", rows);
  float* loss = a.f32(2, "loss", rows);
  float* dlogits = a.f32(3, "dlogits", total);
  if (!a.ok()) return info.Env().Undefined();
  const long bad = sparse_softmax_cross_entropy(logits, labels, loss, dlogits, rows, classes);
  return Napi::Number::New(info.Env(), static_cast<double>(bad));
}
// sigmoidCrossEntropy(logits, labels, loss, dlogits)
void SigmoidCrossEntropy(const Info& info) {
  Args a(info, "sigmoidCrossEntropy");
  const float* logits = a.f32(0, "logits");
  const size_t n = a.len(0);
  const float* labels = a.f32(1, "labels", n);
  float* loss = a.f32(2, "loss", n);
  float* dlogits = a.f32(3, "dlogits", n);
  if (a.ok()) sigmoid_cross_entropy(logits, labels, loss, dlogits, n);
}

// sgdUpdate(p, g, velocity | null, lr, momentum, nesterov)
void SgdUpdate(const Info& info) {
  Args a(info, "sgdUpdate");
  float* p = a.f32(0, "param");
  const size_t n = a.len(0);
  const float* g = a.f32(1, "grad", n);
  float* vel = a.f32_or_null(2, "velocity", n);
  const float lr = a.f(3, "lr"), momentum = a.f(4, "momentum");
  const bool nesterov = a.flag(5, "nesterov");
  if (a.ok()) sgd_update(p, g, vel, n, lr, momentum, nesterov);
}
// rmspropUpdate(p, g, meanSquare, momentum | null, lr, rho, momentum, epsilon)
void RmspropUpdate(const Info& info) {
  Args a(info, "rmspropUpdate");
  float* p = a.f32(0, "param");
  const size_t n = a.len(0);
  const float* g = a.f32(1, "grad", n);
  float* ms = a.f32(2, "meanSquare", n);
  float* mom = a.f32_or_null(3, "momentumBuffer", n);
  const float lr = a.f(4, "lr"), rho = a.f(5, "rho"), momentum = a.f(6, "momentum"), eps = a.f(7, "epsilon");
  if (a.ok()) rmsprop_update(p, g, ms, mom, n, lr, rho, momentum, eps);
}
// adamUpdate(p, g, m, v, lr, beta1, beta2, epsilon, step, weightDecay)
void AdamUpdate(const Info& info) {
  Args a(info, "adamUpdate");
  float* p = a.f32(0, "param");
  const size_t n = a.len(0);
  const float* g = a.f32(1, "grad", n);
  float* m = a.f32(2, "m", n);
  float* v = a.f32(3, "v", n);
  const float lr = a.f(4, "lr"), b1 = a.f(5, "beta1"), b2 = a.f(6, "beta2"), eps = a.f(7, "epsilon");
  const int step = a.num(8, "step", 1);
  const float wd = a.f(9, "weightDecay");
  if (a.ok()) adam_update(p, g, m, v, n, lr, b1, b2, eps, step, wd);
}

// imageTransform(x, transforms, y, geometry [batch, inH, inW, channels, outH, outW, fillMode, interpolation], fillValue)
void ImageTransform(const Info& info) {
  Args a(info, "imageTransform");
  const int32_t* p = a.i32(3, "geometry", 8);
  if (!a.ok()) return;
  a.require(p[0] >= 0 && p[1] > 0 && p[2] > 0 && p[3] > 0 && p[4] >= 0 && p[5] >= 0, "geometry", "needs non-negative sizes");
  a.require(p[6] >= 0 && p[6] < FILL_COUNT && p[7] >= 0 && p[7] < INTERP_COUNT, "geometry", "has an unknown fill mode or interpolation");
  if (!a.ok()) return;
  const TransformGeom g = {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], a.f(4, "fillValue")};
  const float* x = a.f32(0, "x", prod({g.batch, g.inH, g.inW, g.channels}));
  const float* t = a.f32(1, "transforms", prod({g.batch, 8}));
  float* y = a.f32(2, "y", prod({g.batch, g.outH, g.outW, g.channels}));
  if (a.ok()) image_transform(x, t, y, g);
}

// A recurrent spec (kind, batch, steps, features, units, act, recAct) and the sizes it implies.
struct RnnSizes {
  RnnSpec s;
  size_t x, W, R, bias, state, mask, seq, cache;
};
RnnSizes rnn_sizes(Args& a, int i) {
  const int32_t* p = a.i32(i, "spec", 7);
  if (!a.ok()) return {};
  a.require(p[0] >= 0 && p[0] < RNN_COUNT && p[5] >= 0 && p[5] < ACT_COUNT && p[6] >= 0 && p[6] < ACT_COUNT, "spec", "has an unknown kind or activation code");
  a.require(positive(p, 1, 5), "spec", "needs positive batch, steps, features and units");
  if (!a.ok()) return {};
  const RnnSpec s = {p[0], p[1], p[2], p[3], p[4], p[5], p[6]};
  const long G = rnn_gates(s.kind), B = s.batch, T = s.steps, F = s.features, U = s.units;
  return {s, prod({B, T, F}), prod({F, G, U}), prod({U, G, U}), prod({s.kind == RNN_GRU ? 2 : 1, G, U}), prod({B, U}), prod({B, T}),
          prod({B, T, U}), prod({rnn_cache_width(s.kind), B, T, U})};
}

// rnnForward(spec, x, W, R, bias, h0, c0, mask, recMask, hs, cs, cache)
void RnnForward(const Info& info) {
  Args a(info, "rnnForward");
  const RnnSizes z = rnn_sizes(a, 0);
  const bool lstm = z.s.kind == RNN_LSTM;
  const float* x = a.f32(1, "x", z.x);
  const float* W = a.f32(2, "W", z.W);
  const float* R = a.f32(3, "R", z.R);
  const float* bias = a.f32_or_null(4, "bias", z.bias);
  const float* h0 = a.f32(5, "h0", z.state);
  const float* c0 = a.f32(6, "c0", z.state, !lstm);
  const float* mask = a.f32_or_null(7, "mask", z.mask);
  const float* rec_mask = a.f32_or_null(8, "recMask", z.state);
  float* hs = a.f32(9, "hs", z.seq);
  float* cs = a.f32(10, "cs", z.seq, !lstm);
  float* cache = a.f32(11, "cache", z.cache, z.cache == 0);
  if (a.ok()) rnn_forward(z.s, x, W, R, bias, h0, c0, mask, rec_mask, hs, cs, cache);
}

// rnnBackward(spec, dhs, dcT, x, W, R, h0, c0, mask, recMask, hs, cs, cache, dx, dW, dR, db, dh0, dc0)
void RnnBackward(const Info& info) {
  Args a(info, "rnnBackward");
  const RnnSizes z = rnn_sizes(a, 0);
  const bool lstm = z.s.kind == RNN_LSTM;
  const float* dhs = a.f32(1, "dhs", z.seq);
  const float* dcT = a.f32_or_null(2, "dcT", z.state);
  const float* x = a.f32(3, "x", z.x);
  const float* W = a.f32(4, "W", z.W);
  const float* R = a.f32(5, "R", z.R);
  const float* h0 = a.f32(6, "h0", z.state);
  const float* c0 = a.f32(7, "c0", z.state, !lstm);
  const float* mask = a.f32_or_null(8, "mask", z.mask);
  const float* rec_mask = a.f32_or_null(9, "recMask", z.state);
  const float* hs = a.f32(10, "hs", z.seq);
  const float* cs = a.f32(11, "cs", z.seq, !lstm);
  const float* cache = a.f32(12, "cache", z.cache, z.cache == 0);
  float* dx = a.f32(13, "dx", z.x);
  float* dW = a.f32(14, "dW", z.W);
  float* dR = a.f32(15, "dR", z.R);
  float* db = a.f32_or_null(16, "db", z.bias);
  float* dh0 = a.f32(17, "dh0", z.state);
  float* dc0 = a.f32(18, "dc0", z.state, true);
  if (a.ok()) rnn_backward(z.s, dhs, dcT, x, W, R, h0, c0, mask, rec_mask, hs, cs, cache, dx, dW, dR, db, dh0, dc0);
}

// Tensors are typed arrays that V8 allocates with malloc and frees at garbage collection. By
// default glibc serves large blocks with fresh mmap pages and gives freed memory back, so every
// large activation of every training step pays a page fault per 4 KB on first touch (a 128 MB
// activation of a 180x180 batch: about 80 ms, four times the kernel that fills it). Serving every
// block from the heap (no mmap) and keeping up to 2 GB of freed memory instead of trimming it
// reuses warm pages, as PyTorch's allocator does; measured on the cats-vs-dogs step: 1.28 s -> 0.45 s.
void tune_allocator() {
#if defined(__GLIBC__)
  static bool done = false;
  if (done) return;
  done = true;
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 2047 * 1024 * 1024);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tune_allocator();
#define EXPORT(name, fn) exports.Set(name, Napi::Function::New(env, fn, name))
  EXPORT("info", Info_);
  EXPORT("fmaPeak", FmaPeak);
  EXPORT("matMul", MatMul);
  EXPORT("conv2d", Conv2d);
  EXPORT("conv2dBackpropInput", Conv2dBackpropInput);
  EXPORT("conv2dBackpropFilter", Conv2dBackpropFilter);
  EXPORT("conv2dMaxPool", Conv2dMaxPool);
  EXPORT("maxPool2d", MaxPool2d);
  EXPORT("maxPool2dGrad", MaxPool2dGrad);
  EXPORT("maxPool2dReluGrad", MaxPool2dReluGrad);
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
  EXPORT("imageTransform", ImageTransform);
  EXPORT("depthwiseConv2d", DepthwiseConv2d);
  EXPORT("depthwiseConv2dBackpropInput", DepthwiseConv2dBackpropInput);
  EXPORT("depthwiseConv2dBackpropFilter", DepthwiseConv2dBackpropFilter);
#undef EXPORT
  return exports;
}

}  // namespace
}  // namespace kerno

static Napi::Object InitKerno(Napi::Env env, Napi::Object exports) { return kerno::Init(env, exports); }

NODE_API_MODULE(kerno, InitKerno)
