// The native kernels' structs and the kernels the bindings do not call directly, family by family;
// the prototypes of those they call are generated from src/backends/kernel-table/ into
// kernels.gen.h (included at the end). Plain pointers and sizes.
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

// image.cc: a window of an image's bytes resized to float32 as it is loaded (ByteResizeGeometry)
struct ByteResizeGeom {
  int srcH, srcW, channels, top, left, height, width, outH, outW, nearest;
};

// conv.cc
// conv_indirect.cc: the forward pass as an indirect GEMM (pointers into x instead of packed patches)
void conv2d_indirect(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act);

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


// pool.cc
// output rows [oy0, oy1) of one image x (g.batch not read) into y, that image's output; one thread
void max_pool2d_rows(const float* x, float* y, const PoolGeom& g, int oy0, int oy1);
// pool_argmax.cc: the same with each maximum's window cell in arg (kNoCell: none)
constexpr uint8_t kNoCell = 255;
void max_pool2d_argmax_rows(const float* x, float* y, uint8_t* arg, const PoolGeom& g, int oy0, int oy1);
void max_pool2d_argmax(const float* x, float* y, uint8_t* arg, const PoolGeom& g);

// elementwise.cc
// vmath.cc: y = act(x) or exp(x) over n floats, vectorized (x may be y); every fused activation goes through it
void act_map(int act, const float* x, float* y, std::size_t n);
void exp_map(const float* x, float* y, std::size_t n);

// softmax.cc

// optim.cc

// rnn.cc: whole-sequence recurrent layers (kind RNN_SIMPLE, RNN_LSTM, RNN_GRU with reset_after)
struct RnnSpec {
  int kind, batch, steps, features, units, act, rec_act;
};
int rnn_gates(int kind);        // gate blocks in the kernel: 1, 4, 3
int rnn_cache_width(int kind);  // floats cached per (batch, step), in units: 0, 4, 4

}  // namespace kerno

#include "kernels.gen.h"  // the bound kernels' prototypes
