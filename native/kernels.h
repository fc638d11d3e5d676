// The native kernels, declared family by family. Plain pointers and sizes: the Node-API layer
// (addon.cc) unpacks arguments and calls these.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "opcodes.h"  // op codes (UNARY_*, BINARY_*, ACT_*, REDUCE_*, RNN_*), generated from src/backends/kernels.ts

namespace kerno {

// Reached only when an op code got past the checks in addon.cc: a programming error, so stop
// loudly rather than compute some other op.
[[noreturn]] void unknown_op(const char* family, int code);

// The activation's derivative expressed through its output y = act(z).
inline float act_grad_from_output(int act, float y) {
  switch (act) {
    case ACT_LINEAR: return 1.f;
    case ACT_RELU: return y > 0 ? 1.f : 0.f;
    case ACT_SIGMOID: return y * (1.f - y);
    case ACT_TANH: return 1.f - y * y;
    default: unknown_op("activation", act);
  }
}

struct ConvGeom {
  int batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft;
};

struct PoolGeom {
  int batch, inH, inW, channels, outH, outW, kH, kW, strideH, strideW, padTop, padLeft;
};

// image.cc: batched projective transforms (transforms: 8 floats per image, TensorFlow's layout)
struct TransformGeom {
  int batch, inH, inW, channels, outH, outW, fill_mode, interp;
  float fill;
};
void image_transform(const float* x, const float* transforms, float* y, const TransformGeom& g);

// conv.cc
// y = act(conv(x, w) + bias); bias may be null, act ACT_LINEAR for a plain convolution
// bf16: mixed precision (operands rounded to bfloat16, float32 sums); needs bf16_supported()
void conv2d(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act, bool bf16);
void conv2d_backprop_input(const float* dy, const float* w, float* dx, const ConvGeom& g, bool bf16);
void conv2d_backprop_filter(const float* x, const float* dy, float* dw, const ConvGeom& g, bool bf16);
// conv_indirect.cc: the forward pass as an indirect GEMM (pointers into x instead of packed patches)
void conv2d_indirect(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act);
// conv_pool.cc: y = max_pool2d(act(conv(x, w) + bias)) with pool geometry p (p.in* = g.out*)
void conv2d_max_pool(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act, const PoolGeom& p, bool bf16);

// winograd.cc: 3x3 kernels at stride 1 and dilation 1, output tiles m = 2 (F(2x2, 3x3)) or
// 4 (F(4x4, 3x3)); the filter gradient uses F(3x3, 2x2).
enum class WinogradPass { forward, input, filter };
// Whether tile m (2 or 4) applies to this pass and shape (the filter gradient has only m = 2).
bool winograd_fits(const ConvGeom& g, WinogradPass pass, int m);
void winograd_conv3x3(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act, int m);
// The same convolution with every tile transformed first, then one product per point over all
// tiles (each point's kernels read once, not once per block of tiles): for deep layers with many
// channels and few tiles. Only where the tiles' transforms take at most kWinogradByPointMaxBytes.
constexpr long kWinogradByPointMaxBytes = 96L * 1024 * 1024;
bool winograd_by_point_fits(const ConvGeom& g, int m);
void winograd_conv3x3_by_point(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act, int m);
void winograd_backprop_filter(const float* x, const float* dy, float* dw, const ConvGeom& g);

// depthwise.cc: kernel [kh, kw, inC, outC / inC]; g.outC = inC * multiplier
void depthwise_conv2d(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act);
void depthwise_conv2d_backprop_input(const float* dy, const float* w, float* dx, const ConvGeom& g);
void depthwise_conv2d_backprop_filter(const float* x, const float* dy, float* dw, const ConvGeom& g);

// pool.cc
void max_pool2d(const float* x, float* y, const PoolGeom& g);
// output rows [oy0, oy1) of one image x (g.batch not read) into y, that image's output; one thread
void max_pool2d_rows(const float* x, float* y, const PoolGeom& g, int oy0, int oy1);
void max_pool2d_grad(const float* dy, const float* x, float* dx, const PoolGeom& g);
// max_pool2d_grad, then zero where x <= 0 (x a relu's output), and db = dz summed per channel
void max_pool2d_relu_grad(const float* dy, const float* x, float* dz, float* db, const PoolGeom& g);
void avg_pool2d(const float* x, float* y, const PoolGeom& g);
void avg_pool2d_grad(const float* dy, float* dx, const PoolGeom& g);

// elementwise.cc
void unary(int op, const float* x, float* y, std::size_t n, float alpha);
void unary_grad(int op, const float* dy, const float* x, const float* y, float* dx, std::size_t n, float alpha);
// out has the broadcast shape; strides (in elements, 0 where broadcast) per output axis.
void binary(int op, const float* a, const int32_t* a_strides, const float* b, const int32_t* b_strides,
            float* out_f, uint8_t* out_b, const int32_t* out_shape, int rank, std::size_t total);
void bias_activation(const float* x, const float* bias, const float* scale, float* y, std::size_t n, std::size_t channels, int act);
// dz = dy * act'(y); db (when not null) = column sums of dz over rows of `channels`
void bias_activation_grad(const float* dy, const float* y, float* dz, float* db, std::size_t n, std::size_t channels, int act);
void reduce(int op, const float* x, float* y, std::size_t outer, std::size_t n, std::size_t inner);  // op: REDUCE_*
void arg_reduce(bool is_max, const float* x, int32_t* y, std::size_t outer, std::size_t n, std::size_t inner);
void transpose(const float* x, float* y, const int32_t* out_shape, const int32_t* src_strides, int rank, std::size_t total);
// vmath.cc: y = act(x) or exp(x) over n floats, vectorized (x may be y); every fused activation goes through it
void act_map(int act, const float* x, float* y, std::size_t n);
void exp_map(const float* x, float* y, std::size_t n);

// softmax.cc
void softmax(const float* x, float* y, std::size_t outer, std::size_t n, std::size_t inner, bool log);
void softmax_grad(const float* dy, const float* y, float* dx, std::size_t outer, std::size_t n, std::size_t inner, bool log);
void softmax_cross_entropy(const float* logits, const float* labels, float* loss, float* dlogits, std::size_t rows, std::size_t classes);
// returns -1 on success, else the first row whose label is out of range
long sparse_softmax_cross_entropy(const float* logits, const int32_t* labels, float* loss, float* dlogits, std::size_t rows, std::size_t classes);
void sigmoid_cross_entropy(const float* logits, const float* labels, float* loss, float* dlogits, std::size_t n);

// optim.cc
void sgd_update(float* p, const float* g, float* vel, std::size_t n, float lr, float momentum, bool nesterov);
void rmsprop_update(float* p, const float* g, float* ms, float* mom, std::size_t n, float lr, float rho, float momentum, float eps);
void adam_update(float* p, const float* g, float* m, float* v, std::size_t n, float lr, float b1, float b2, float eps, int step, float wd);

// rnn.cc: whole-sequence recurrent layers (kind RNN_SIMPLE, RNN_LSTM, RNN_GRU with reset_after)
struct RnnSpec {
  int kind, batch, steps, features, units, act, rec_act;
};
int rnn_gates(int kind);        // gate blocks in the kernel: 1, 4, 3
int rnn_cache_width(int kind);  // floats cached per (batch, step), in units: 0, 4, 4
void rnn_forward(const RnnSpec& s, const float* x, const float* W, const float* R, const float* bias, const float* h0,
                 const float* c0, const float* mask, const float* rec_mask, float* hs, float* cs, float* cache);
void rnn_backward(const RnnSpec& s, const float* dhs, const float* dcT, const float* x, const float* W, const float* R,
                  const float* h0, const float* c0, const float* mask, const float* rec_mask, const float* hs, const float* cs,
                  const float* cache, float* dx, float* dW, float* dR, float* db, float* dh0, float* dc0);

}  // namespace kerno
