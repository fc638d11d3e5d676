// Patch-matrix convolution passes (patches.h).
#include "patches.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "threadpool.h"

namespace kerno {

long patch_size(const ConvGeom& g) { return static_cast<long>(g.kH) * g.kW * g.inC; }

bool pointwise(const ConvGeom& g) {
  return g.kH == 1 && g.kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padTop == 0 && g.padLeft == 0;
}

namespace {

// Rows of the patch matrix per chunk: about 512 KB of patches, a multiple of the micro-tile.
long chunk_rows(const ConvGeom& g) {
  long rows = std::max<long>(48, (1L << 17) / std::max<long>(1, patch_size(g)));
  return (rows + 5) / 6 * 6;
}

// Output pixel coordinates of consecutive rows, advanced without a division per row.
struct Pixel {
  long ox, oy, n;
  Pixel(const ConvGeom& g, long r) : ox(r % g.outW), oy((r / g.outW) % g.outH), n(r / (static_cast<long>(g.outW) * g.outH)) {}
  void next(const ConvGeom& g) {
    if (++ox == g.outW) {
      ox = 0;
      if (++oy == g.outH) { oy = 0; n++; }
    }
  }
};

// Rows [r0, r0 + rows) of the patch matrix, for float32 or bfloat16 (uint16) values.
template <typename T>
void im2col(const T* x, const ConvGeom& g, long r0, long rows, T* cols) {
  const long K = patch_size(g), C = g.inC;
  Pixel p(g, r0);
  for (long r = 0; r < rows; r++, p.next(g)) {
    const long ox = p.ox, oy = p.oy, n = p.n;
    T* dst = cols + r * K;
    for (int ky = 0; ky < g.kH; ky++) {
      const long iy = oy * g.strideH - g.padTop + static_cast<long>(ky) * g.dilH;
      for (int kx = 0; kx < g.kW; kx++, dst += C) {
        const long ix = ox * g.strideW - g.padLeft + static_cast<long>(kx) * g.dilW;
        if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) {
          std::memset(dst, 0, sizeof(T) * C);
        } else {
          const T* src = x + ((n * g.inH + iy) * g.inW + ix) * C;
          if (C == 1) *dst = *src;
          else std::memcpy(dst, src, sizeof(T) * C);
        }
      }
    }
  }
}

void col2im(const float* cols, const ConvGeom& g, long r0, long rows, float* dx) {
  const long K = patch_size(g), C = g.inC;
  Pixel p(g, r0);
  for (long r = 0; r < rows; r++, p.next(g)) {
    const long ox = p.ox, oy = p.oy, n = p.n;
    const float* src = cols + r * K;
    for (int ky = 0; ky < g.kH; ky++) {
      const long iy = oy * g.strideH - g.padTop + static_cast<long>(ky) * g.dilH;
      for (int kx = 0; kx < g.kW; kx++, src += C) {
        const long ix = ox * g.strideW - g.padLeft + static_cast<long>(kx) * g.dilW;
        if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) continue;
        float* dst = dx + ((n * g.inH + iy) * g.inW + ix) * C;
        for (long c = 0; c < C; c++) dst[c] += src[c];
      }
    }
  }
}

template <typename T>
std::vector<T>& patch_buffer(std::size_t values) {
  thread_local std::vector<T> buf;
  if (buf.size() < values) buf.resize(values);
  return buf;
}

// The kernel as the B of a product (k x n): float32 as it is, or packed once as bfloat16 pairs.
struct KernelOperand {
  MatRef b;
  int k, n;
  bool bf16;
  Bf16PackedB packed;
  KernelOperand(MatRef b_, int k_, int n_, bool bf16_) : b(b_), k(k_), n(n_), bf16(bf16_) {
    if (bf16) packed = bf16_pack_b(k, n, Bf16Matrix(k, n, b, true).ref, true);
  }
  // C[m x n] = A B (A in the operand's precision), single-threaded (callers run inside the pool) or split across it
  void multiply(int m, MatRef A, float* C, const Epilogue* epilogue, bool parallel = false) const {
    sgemm_packed(m, n, k, strided_packer(&A), b, C, n, false, parallel, epilogue);
  }
  void multiply(int m, Bf16Ref A, float* C, const Epilogue* epilogue, bool parallel = false) const {
    gemm_bf16_packed(m, A, packed, C, n, false, parallel, epilogue);
  }
};

// An input of a pass in the pass's precision: the float32 values, or a bfloat16 copy.
template <typename T>
struct Values;
template <>
struct Values<float> {
  const float* p;
  Values(const float* x, long, long) : p(x) {}
  static MatRef rows(const float* a, long cols) { return row_major(a, cols); }
  static MatRef columns(const float* a, long rows) { return transposed(a, rows); }
};
template <>
struct Values<std::uint16_t> {
  Bf16Matrix m;
  const std::uint16_t* p;
  Values(const float* x, long rows, long cols) : m(static_cast<int>(rows), static_cast<int>(cols), row_major(x, cols), true), p(m.values.data()) {}
  static Bf16Ref rows(const std::uint16_t* a, long cols) { return {a, cols, 1}; }
  static Bf16Ref columns(const std::uint16_t* a, long rows) { return {a, 1, rows}; }
};

// Values of type T are bfloat16 (stored as uint16) in mixed-precision passes.
template <typename T>
constexpr bool kBf16 = sizeof(T) == 2;

// Rows per chunk, in the same bytes whatever the precision.
template <typename T>
long rows_per_chunk(const ConvGeom& g) {
  return kBf16<T> ? chunk_rows(g) * 2 : chunk_rows(g);
}

template <typename T>
void conv2d_as(const float* x32, const float* w, float* y, const ConvGeom& g, const Epilogue* epilogue) {
  const long M = static_cast<long>(g.batch) * g.outH * g.outW, K = patch_size(g), N = g.outC;
  const KernelOperand kernel(row_major(w, N), K, N, kBf16<T>);
  const Values<T> x(x32, static_cast<long>(g.batch) * g.inH * g.inW, g.inC);
  if (pointwise(g)) return kernel.multiply(M, Values<T>::rows(x.p, K), y, epilogue, true);
  const long chunk = rows_per_chunk<T>(g);
  parallel_chunks((M + chunk - 1) / chunk, 1, [&](std::size_t c0, std::size_t c1, int) {
    std::vector<T>& cols = patch_buffer<T>(chunk * K);
    for (std::size_t c = c0; c < c1; c++) {
      const long r0 = c * chunk, rows = std::min(chunk, M - r0);
      im2col(x.p, g, r0, rows, cols.data());
      kernel.multiply(rows, Values<T>::rows(cols.data(), K), y + r0 * N, epilogue);
    }
  });
}

template <typename T>
void backprop_input_as(const float* dy32, const float* w, float* dx, const ConvGeom& g) {
  const long K = patch_size(g), N = g.outC;
  // threads own whole images (col2im of one image never races with another's); inside, chunks
  // of several small images or of part of one large image keep the products big enough
  const long per_image = static_cast<long>(g.outH) * g.outW;
  const long image_size = static_cast<long>(g.inH) * g.inW * g.inC;
  const long chunk = rows_per_chunk<T>(g) >= per_image ? rows_per_chunk<T>(g) / per_image * per_image : rows_per_chunk<T>(g);
  const KernelOperand wt(transposed(w, N), N, K, kBf16<T>);
  const Values<T> dy(dy32, g.batch * per_image, N);
  // images [n0, n1): each chunk's product (split across the pool when `split`), then col2im
  const auto images = [&](long n0, long n1, bool split) {
    std::vector<float>& cols = patch_buffer<float>(chunk * K);
    std::memset(dx + n0 * image_size, 0, sizeof(float) * (n1 - n0) * image_size);
    const long end = n1 * per_image;
    for (long r0 = n0 * per_image; r0 < end; r0 += chunk) {
      const long rows = std::min(chunk, end - r0);
      wt.multiply(rows, Values<T>::rows(dy.p + r0 * N, N), cols.data(), nullptr, split);
      col2im(cols.data(), g, r0, rows, dx);
    }
  };
  // fewer images than threads (filter visualization's one image): the threads split each product
  // instead, which also packs the kernel once between them, and col2im follows on this thread
  if (g.batch < num_threads()) return images(0, g.batch, true);
  parallel_for(g.batch, 1, [&](std::size_t n0, std::size_t n1, int) { images(static_cast<long>(n0), static_cast<long>(n1), false); });
}

// acc[k x n] += A[k x m] B[m x n], single-threaded
void product(long k, long n, long m, MatRef A, MatRef B, float* acc) { sgemm(k, n, m, A, B, acc, n, true, false); }
void product(long k, long n, long m, Bf16Ref A, Bf16Ref B, float* acc) {
  gemm_bf16_packed(k, A, bf16_pack_b(m, n, B, false), acc, n, true, false, nullptr);
}

template <typename T>
void backprop_filter_as(const float* x32, const float* dy32, float* dw, const ConvGeom& g) {
  const long K = patch_size(g), N = g.outC;
  const long per_image = static_cast<long>(g.outH) * g.outW;
  const long chunk = rows_per_chunk<T>(g);
  const int threads = std::min(num_threads(), g.batch);
  std::vector<std::vector<float>> partial(std::max(0, threads - 1), std::vector<float>(K * N));
  std::memset(dw, 0, sizeof(float) * K * N);
  const Values<T> x(x32, static_cast<long>(g.batch) * g.inH * g.inW, g.inC), dy(dy32, g.batch * per_image, N);
  parallel_for(g.batch, 1, [&](std::size_t n0, std::size_t n1, int t) {
    float* acc = t == 0 ? dw : partial[t - 1].data();
    std::vector<T>& cols = patch_buffer<T>(chunk * K);
    const long end = static_cast<long>(n1) * per_image;
    for (long r0 = n0 * per_image; r0 < end; r0 += chunk) {
      const long rows = std::min(chunk, end - r0);
      im2col(x.p, g, r0, rows, cols.data());
      product(K, N, rows, Values<T>::columns(cols.data(), K), Values<T>::rows(dy.p + r0 * N, N), acc);
    }
  });
  for (auto& p : partial)
    for (long i = 0; i < K * N; i++) dw[i] += p[i];
}

}  // namespace

void patch_conv2d(const float* x, const float* w, float* y, const ConvGeom& g, const Epilogue* epilogue, bool bf16) {
  if (bf16) conv2d_as<std::uint16_t>(x, w, y, g, epilogue);
  else conv2d_as<float>(x, w, y, g, epilogue);
}

void patch_backprop_input(const float* dy, const float* w, float* dx, const ConvGeom& g, bool bf16) {
  if (bf16) backprop_input_as<std::uint16_t>(dy, w, dx, g);
  else backprop_input_as<float>(dy, w, dx, g);
}

void patch_backprop_filter(const float* x, const float* dy, float* dw, const ConvGeom& g, bool bf16) {
  if (bf16) backprop_filter_as<std::uint16_t>(x, dy, dw, g);
  else backprop_filter_as<float>(x, dy, dw, g);
}

}  // namespace kerno
