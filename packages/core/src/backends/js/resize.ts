/** Bilinear and nearest-neighbour resizing of NHWC images (TensorFlow's coordinate rules). */
import type { ByteResizeGeometry, F32, ResizeGeometry } from "../kernels.js";

/** Source coordinate of output index `o` along an axis of `inSize` -> `outSize`. */
function sourceCoord(o: number, inSize: number, outSize: number, g: ResizeGeometry): number {
  if (g.alignCorners && outSize > 1) return (o * (inSize - 1)) / (outSize - 1);
  const scale = inSize / outSize;
  return g.halfPixelCenters ? (o + 0.5) * scale - 0.5 : o * scale;
}

interface Taps {
  lo: Int32Array;
  hi: Int32Array;
  frac: Float32Array;
}

export function bilinearTaps(inSize: number, outSize: number, g: ResizeGeometry): Taps {
  const lo = new Int32Array(outSize),
    hi = new Int32Array(outSize),
    frac = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const s = sourceCoord(o, inSize, outSize, g);
    const f = Math.floor(s);
    lo[o] = Math.min(Math.max(f, 0), inSize - 1);
    hi[o] = Math.min(Math.max(f + 1, 0), inSize - 1);
    frac[o] = s - f;
    if (s < 0) {
      lo[o] = hi[o] = 0;
      frac[o] = 0;
    }
  }
  return { lo, hi, frac };
}

export function nearestIndex(inSize: number, outSize: number, g: ResizeGeometry): Int32Array {
  const idx = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let s: number;
    if (g.alignCorners && outSize > 1) s = Math.round((o * (inSize - 1)) / (outSize - 1));
    else s = Math.floor(g.halfPixelCenters ? (o + 0.5) * (inSize / outSize) : o * (inSize / outSize));
    idx[o] = Math.min(Math.max(s, 0), inSize - 1);
  }
  return idx;
}

/** Calls f(out, a, b, c, d, fx, fy) per output pixel: its four source pixels (channel offsets) and weights. */
function forEachBilinear(g: ResizeGeometry, f: (o: number, a: number, b: number, c: number, d: number, fx: number, fy: number) => void): void {
  const C = g.channels;
  const ty = bilinearTaps(g.inH, g.outH, g),
    tx = bilinearTaps(g.inW, g.outW, g);
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outH; oy++) {
      const r0 = (n * g.inH + ty.lo[oy]) * g.inW,
        r1 = (n * g.inH + ty.hi[oy]) * g.inW;
      for (let ox = 0; ox < g.outW; ox++) {
        f(
          ((n * g.outH + oy) * g.outW + ox) * C,
          (r0 + tx.lo[ox]) * C,
          (r0 + tx.hi[ox]) * C,
          (r1 + tx.lo[ox]) * C,
          (r1 + tx.hi[ox]) * C,
          tx.frac[ox],
          ty.frac[oy],
        );
      }
    }
}

export function resizeBilinear(x: F32, g: ResizeGeometry): F32 {
  const C = g.channels;
  const out = new Float32Array(g.batch * g.outH * g.outW * C);
  forEachBilinear(g, (o, a, b, c, d, fx, fy) => {
    for (let ch = 0; ch < C; ch++) {
      const top = x[a + ch] + (x[b + ch] - x[a + ch]) * fx;
      const bot = x[c + ch] + (x[d + ch] - x[c + ch]) * fx;
      out[o + ch] = top + (bot - top) * fy;
    }
  });
  return out;
}

export function resizeBilinearGrad(dy: F32, g: ResizeGeometry): F32 {
  const C = g.channels;
  const dx = new Float32Array(g.batch * g.inH * g.inW * C);
  forEachBilinear(g, (o, a, b, c, d, fx, fy) => {
    for (let ch = 0; ch < C; ch++) {
      const v = dy[o + ch];
      dx[a + ch] += v * (1 - fy) * (1 - fx);
      dx[b + ch] += v * (1 - fy) * fx;
      dx[c + ch] += v * fy * (1 - fx);
      dx[d + ch] += v * fy * fx;
    }
  });
  return dx;
}

export function resizeNearest(x: F32, g: ResizeGeometry): F32 {
  const C = g.channels;
  const out = new Float32Array(g.batch * g.outH * g.outW * C);
  const iy = nearestIndex(g.inH, g.outH, g),
    ix = nearestIndex(g.inW, g.outW, g);
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++) {
        const src = ((n * g.inH + iy[oy]) * g.inW + ix[ox]) * C;
        out.set(x.subarray(src, src + C), ((n * g.outH + oy) * g.outW + ox) * C);
      }
  return out;
}

export function resizeNearestGrad(dy: F32, g: ResizeGeometry): F32 {
  const C = g.channels;
  const dx = new Float32Array(g.batch * g.inH * g.inW * C);
  const iy = nearestIndex(g.inH, g.outH, g),
    ix = nearestIndex(g.inW, g.outW, g);
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++) {
        const dst = ((n * g.inH + iy[oy]) * g.inW + ix[ox]) * C;
        const src = ((n * g.outH + oy) * g.outW + ox) * C;
        for (let c = 0; c < C; c++) dx[dst + c] += dy[src + c];
      }
  return dx;
}

// tf.image.resize's rules (TF 2): half-pixel centers, corners not aligned
const LOADING = { alignCorners: false, halfPixelCenters: true } as ResizeGeometry;

/**
 * Image loading's bilinear weights in fixed point: 11 bits per axis, so that a pixel's sum of
 * products (at most 255 << 22) is exact in 32-bit integers on every backend, in any order.
 */
const WEIGHT_BITS = 11;
const WEIGHT_ONE = 1 << WEIGHT_BITS;

/**
 * One axis of image loading's bilinear taps (half-pixel centers), in integers: the source position
 * (o + 0.5) in / out - 0.5 is the fraction ((2o + 1) in - out) / (2 out), so that every backend and
 * CPU (fused multiply-adds or not) finds the same two source indices and the same weight of the
 * second, rounded half up. Sides up to 2^20 (the binding's limit) keep it exact in doubles.
 */
function loadingTaps(inSize: number, outSize: number): { lo: Int32Array; hi: Int32Array; weight: Int32Array } {
  const lo = new Int32Array(outSize),
    hi = new Int32Array(outSize),
    weight = new Int32Array(outSize);
  const den = 2 * outSize;
  for (let o = 0; o < outSize; o++) {
    const num = (2 * o + 1) * inSize - outSize;
    // before the first pixel's center: the first pixel (lo = hi = 0, weight 0)
    if (num < 0) continue;
    const f = Math.floor(num / den),
      rem = num - f * den;
    lo[o] = Math.min(f, inSize - 1);
    hi[o] = Math.min(f + 1, inSize - 1);
    weight[o] = Math.floor((2 * rem * WEIGHT_ONE + den) / (2 * den));
  }
  return { lo, hi, weight };
}

/**
 * Image loading's resize: a window of an image's bytes into float32 pixels in `out`, rounded to
 * whole numbers (decoded pixels stay whole numbers 0..255, which a dataset's cache keeps as bytes).
 */
export function resizeBytes(src: Uint8Array, g: ByteResizeGeometry, out: F32): void {
  const c = g.channels,
    rowStride = g.srcW * c;
  const origin = g.top * rowStride + g.left * c;
  let o = 0;
  if (g.nearest) {
    const ys = nearestIndex(g.height, g.outH, LOADING),
      xs = nearestIndex(g.width, g.outW, LOADING);
    for (let y = 0; y < g.outH; y++) {
      const row = origin + ys[y] * rowStride;
      for (let x = 0; x < g.outW; x++) for (let ch = 0; ch < c; ch++) out[o++] = src[row + xs[x] * c + ch];
    }
    return;
  }
  const ty = loadingTaps(g.height, g.outH),
    tx = loadingTaps(g.width, g.outW);
  const wy = ty.weight,
    wx = tx.weight;
  const one = WEIGHT_ONE,
    half = 1 << (2 * WEIGHT_BITS - 1);
  for (let y = 0; y < g.outH; y++) {
    const r0 = origin + ty.lo[y] * rowStride,
      r1 = origin + ty.hi[y] * rowStride,
      fy = wy[y];
    for (let x = 0; x < g.outW; x++) {
      const a = tx.lo[x] * c,
        b = tx.hi[x] * c,
        fx = wx[x];
      for (let ch = 0; ch < c; ch++) {
        const p = src[r0 + a + ch],
          q = src[r1 + a + ch];
        const top = p * one + (src[r0 + b + ch] - p) * fx;
        const bottom = q * one + (src[r1 + b + ch] - q) * fx;
        out[o++] = (top * one + (bottom - top) * fy + half) >> (2 * WEIGHT_BITS);
      }
    }
  }
}
