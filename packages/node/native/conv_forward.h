// The forward convolution over any run of output pixels, by one thread: what conv.cc runs across
// threads and conv_pool.cc runs band by band into a cache-sized buffer.
#pragma once
#include <vector>

#include "kernels.h"

namespace kerno {

// The direct loops (conv_direct.inc) over output rows [r0, r1) (pixels in NHW order): the forward
// pass writes act(conv + bias) into y from row r0 on (bias may be null); the filter gradient sums
// into dw; the input gradient (over input rows) writes dx from row r0 on.
using DirectForwardFn = void (*)(const float* x, const float* w, float* y, const ConvGeom& g, long r0, long r1, const float* bias, int act);
using DirectFilterFn = void (*)(const float* x, const float* dy, float* dw, const ConvGeom& g, long r0, long r1);
using DirectInputFn = void (*)(const float* dy, const float* w, float* dx, const ConvGeom& g, long r0, long r1);

// conv.cc: the forward direct loops for g (first layers, whose patches are too short for a product
// to pay), or null where g has none; conv2d always runs them where they exist.
DirectForwardFn direct_forward_rows(const ConvGeom& g);

// conv.cc: whether KERNO_CONV forces a way, and whether it is one of the band loops' (direct or
// indirect rows): a pooled convolution then runs fused, under any other way unfused, so that the
// forced way runs there too.
enum class ForcedWay { none, banded, unbanded };
ForcedWay forced_conv_way();

// conv_indirect.cc: the indirect GEMM with the weights (and bias) packed once for the micro-kernel.
class IndirectConv {
 public:
  IndirectConv(const float* w, const ConvGeom& g, const float* bias, int act);
  // act(conv + bias) for output pixels [p0, p0 + count) (NHW order) into y, outC floats per pixel
  void pixels(const float* x, long p0, long count, float* y) const;

 private:
  ConvGeom g_;
  int act_;
  std::vector<float> packed_, bias_;
  std::vector<float> zero_;
};

}  // namespace kerno
