// Convolution passes as products of patch matrices (im2col) with the kernel, chunk by chunk in
// per-thread buffers: the way every pass can run, and the way mixed-precision passes run (the
// product in bfloat16 with float32 sums, gemm_bf16.cc). Threads own whole images in the input
// gradient, so that col2im never races.
#pragma once
#include "gemm.h"
#include "kernels.h"

namespace kerno {

// Values in one receptive field: kH * kW * inC.
long patch_size(const ConvGeom& g);
// A 1x1 kernel at stride 1 without padding: the pass is one plain product.
bool pointwise(const ConvGeom& g);

// y = conv(x, w), then the epilogue (bias, activation) on each finished block; bf16: mixed precision.
void patch_conv2d(const float* x, const float* w, float* y, const ConvGeom& g, const Epilogue* epilogue, bool bf16);
void patch_backprop_input(const float* dy, const float* w, float* dx, const ConvGeom& g, bool bf16);
void patch_backprop_filter(const float* x, const float* dy, float* dw, const ConvGeom& g, bool bf16);

}  // namespace kerno
