// A convolution (bias and activation included) followed by a max pool: a Conv2D whose output
// only a MaxPooling2D reads. For training, each pooled value's window cell (its argmax) comes out
// too: the backward pass routes the gradient by it, so the convolution's full-size output is
// neither kept nor read again (cats-vs-dogs' first layer: 130 MB a step). Threads take bands of an image's pool rows; each band's
// convolution rows go to a buffer of the thread's that stays in cache and are pooled from there,
// so the full-size activation is never written out and read back (the MNIST CNN's first layer at
// batch 1024: 88 MB each way, more time than its convolution). Convolution rows that no window
// reads are not computed. Where conv2d may run Winograd (deep layers), the first call on a shape
// times this against conv2d then max_pool2d (a few images at a time) and keeps the faster
// (autotune.h): VGG16's pooled layers at 224 and 112 pixels run faster unfused, by Winograd.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "autotune.h"
#include "conv_forward.h"
#include "kernels.h"
#include "threadpool.h"

namespace kerno {
namespace {

// A band's convolution rows take at most this much (or one pool row's worth): within Zen's
// 1 MB L2 with room for the weights and the band's input rows.
constexpr long kBandBytes = 192 * 1024;

enum Way { kFused = 0, kUnfused = 1 };

void fused(const float* x, const float* w, float* y, uint8_t* arg, const ConvGeom& g, const float* bias, int act, const PoolGeom& p) {
  const DirectForwardFn direct = direct_forward_rows(g);
  std::unique_ptr<IndirectConv> indirect(direct ? nullptr : new IndirectConv(w, g, bias, act));
  const long row_floats = static_cast<long>(g.outW) * g.outC;
  const int band_rows = static_cast<int>(std::clamp<long>(kBandBytes / (4 * row_floats * p.strideH), 1, p.outH));
  const int bands = (p.outH + band_rows - 1) / band_rows;
  // the most conv rows a band reads: its pool rows' strides plus one window's overhang
  const int most_rows = std::min(g.outH, (band_rows - 1) * p.strideH + p.kH);
  const std::size_t units = static_cast<std::size_t>(g.batch) * bands;
  std::vector<std::unique_ptr<float[]>> buffers(num_threads());
  parallel_chunks(units, 1, [&](std::size_t u0, std::size_t u1, int thread) {
    std::unique_ptr<float[]>& band = buffers[thread];
    if (!band) band.reset(new float[most_rows * row_floats]);
    for (std::size_t u = u0; u < u1; u++) {
      const int n = static_cast<int>(u / bands), py0 = static_cast<int>(u % bands) * band_rows, py1 = std::min(p.outH, py0 + band_rows);
      const int cy0 = std::max(0, py0 * p.strideH - p.padTop), cy1 = std::min(g.outH, (py1 - 1) * p.strideH - p.padTop + p.kH);
      const int rows = std::max(0, cy1 - cy0);
      const long r0 = (static_cast<long>(n) * g.outH + cy0) * g.outW, r1 = r0 + static_cast<long>(rows) * g.outW;
      if (direct) direct(x, w, band.get(), g, r0, r1, bias, act);
      else indirect->pixels(x, r0, r1 - r0, band.get());
      // the band as an image of its own rows: the windows shifted by cy0, clipped to the same cells
      const PoolGeom in_band{1, rows, p.inW, p.channels, py1 - py0, p.outW, p.kH, p.kW, p.strideH, p.strideW, p.padTop + cy0 - py0 * p.strideH, p.padLeft};
      const long at = (static_cast<long>(n) * p.outH + py0) * p.outW * p.channels;
      if (arg) max_pool2d_argmax_rows(band.get(), y + at, arg + at, in_band, 0, py1 - py0);
      else max_pool2d_rows(band.get(), y + at, in_band, 0, py1 - py0);
    }
  });
}

// The convolution's output of at most this many bytes at a time (or one image's): a buffer of 8 MB
// or more is mapped fresh at every call (the addon's allocator maps blocks from 8 MB), and its
// first touch costs a page fault per 4 KB. VGG16's first pooled layer at batch 8 wrote 102 MB, 25,000
// faults and 26 ms of its 104; image by image it writes 12.8 MB. Chunks under 8 MB, from the
// heap, fault no more but cut the deeper layers' products smaller: VGG16 570-588 ms a batch
// against 556-563 (3,100 faults against 13,300).
constexpr long kUnfusedBytes = 16L * 1024 * 1024;

void unfused(const float* x, const float* w, float* y, uint8_t* arg, const ConvGeom& g, const float* bias, int act, const PoolGeom& p, bool bf16) {
  const long z_image = static_cast<long>(g.outH) * g.outW * g.outC;
  const int per = static_cast<int>(std::clamp<long>(kUnfusedBytes / (4 * z_image), 1, g.batch));
  std::unique_ptr<float[]> z(new float[static_cast<std::size_t>(per) * z_image]);
  const long x_image = static_cast<long>(g.inH) * g.inW * g.inC, y_image = static_cast<long>(p.outH) * p.outW * p.channels;
  for (int n0 = 0; n0 < g.batch; n0 += per) {
    const int n = std::min(per, g.batch - n0);
    ConvGeom gn = g;
    gn.batch = n;
    PoolGeom pn = p;
    pn.batch = n;
    conv2d(x + n0 * x_image, w, z.get(), gn, bias, act, bf16);
    if (arg) max_pool2d_argmax(z.get(), y + n0 * y_image, arg + n0 * y_image, pn);
    else max_pool2d(z.get(), y + n0 * y_image, pn);
  }
}

// With arg, the argmax too (tagged 4 rather than 3: the pooling's share of the time differs)
void pooled_convolution(const float* x, const float* w, float* y, uint8_t* arg, const ConvGeom& g, const float* bias, int act, const PoolGeom& p,
                        bool bf16) {
  // mixed precision runs its products in bfloat16, which the band loops do not
  if (bf16) return unfused(x, w, y, arg, g, bias, act, p, true);
  const ForcedWay forced = forced_conv_way();
  if (forced == ForcedWay::unbanded) return unfused(x, w, y, arg, g, bias, act, p, false);
  if (direct_forward_rows(g) || forced == ForcedWay::banded) return fused(x, w, y, arg, g, bias, act, p);
  // tagged after conv.cc's three passes
  const std::vector<int> key{arg ? 4 : 3, g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kH, g.kW, g.strideH, g.strideW,
                             g.dilH, g.dilW, g.padTop, g.padLeft, p.kH, p.kW, p.strideH, p.strideW, p.padTop, p.padLeft};
  run_fastest(key, {kFused, kUnfused}, [&](int way) {
    if (way == kFused) return fused(x, w, y, arg, g, bias, act, p);
    unfused(x, w, y, arg, g, bias, act, p, false);
  });
}

}  // namespace

void conv2d_max_pool(const float* x, const float* w, float* y, const ConvGeom& g, const float* bias, int act, const PoolGeom& p, bool bf16) {
  pooled_convolution(x, w, y, nullptr, g, bias, act, p, bf16);
}

void conv2d_max_pool_argmax(const float* x, const float* w, float* y, uint8_t* arg, const ConvGeom& g, const float* bias, int act, const PoolGeom& p,
                            bool bf16) {
  pooled_convolution(x, w, y, arg, g, bias, act, p, bf16);
}

}  // namespace kerno
