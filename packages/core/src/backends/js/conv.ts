/**
 * conv2d in NHWC/HWIO by im2col and the blocked gemm. The patch matrix is built for a chunk of
 * output rows at a time so that big images (VGG16 at 224x224) never need a huge buffer.
 */
import type { Conv2dGeometry, F32, FusedActivation, Precision } from "../kernels.js";
import { operand } from "./bfloat16.js";
import { gemm, view } from "./gemm.js";
import { biasActivation } from "./unary.js";

const MAX_PATCH_FLOATS = 1 << 22;

function patchSize(g: Conv2dGeometry): number {
  return g.kH * g.kW * g.inC;
}

/** Output rows (n, oy, ox) handled per chunk. */
function chunkRows(g: Conv2dGeometry): number {
  return Math.max(1, Math.min(g.batch * g.outH * g.outW, Math.floor(MAX_PATCH_FLOATS / patchSize(g))));
}

/** True when the patch matrix is the input itself: 1x1 kernel, stride 1, no padding. */
function isPointwise(g: Conv2dGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0;
}

/**
 * Walks the receptive fields of output rows [r0, r0 + rows): for each tap, inside(patchOffset,
 * inputOffset) when it falls inside the input, outside(patchOffset) in the padding. Offsets
 * point at C contiguous channels. im2col and its adjoint col2im are two uses of this walk.
 */
function forEachTap(g: Conv2dGeometry, r0: number, rows: number, inside: (p: number, x: number) => void, outside?: (p: number) => void): void {
  const K = patchSize(g),
    C = g.inC;
  for (let r = 0; r < rows; r++) {
    const flat = r0 + r;
    const ox = flat % g.outW;
    const oy = Math.floor(flat / g.outW) % g.outH;
    const n = Math.floor(flat / (g.outW * g.outH));
    let p = r * K;
    for (let ky = 0; ky < g.kH; ky++) {
      const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
      for (let kx = 0; kx < g.kW; kx++, p += C) {
        const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
        if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) outside?.(p);
        else inside(p, ((n * g.inH + iy) * g.inW + ix) * C);
      }
    }
  }
}

/** Fills cols with the receptive fields of output rows [r0, r0 + rows), one row each. */
function im2col(x: F32, g: Conv2dGeometry, r0: number, rows: number, cols: F32): void {
  const C = g.inC;
  forEachTap(
    g,
    r0,
    rows,
    (p, src) => {
      if (C === 1) cols[p] = x[src];
      else cols.set(x.subarray(src, src + C), p);
    },
    (p) => cols.fill(0, p, p + C),
  );
}

/** Adds each patch row back into dx where it was read from (the adjoint of im2col). */
function col2im(cols: F32, g: Conv2dGeometry, r0: number, rows: number, dx: F32): void {
  const C = g.inC;
  forEachTap(g, r0, rows, (p, dst) => {
    for (let c = 0; c < C; c++) dx[dst + c] += cols[p + c];
  });
}

export function conv2d(x: F32, w: F32, g: Conv2dGeometry, bias: F32 | null, act: FusedActivation, precision: Precision = "float32"): F32 {
  const y = convolve(operand(x, precision), operand(w, precision), g);
  return bias || act !== "linear" ? biasActivation(y, bias, act) : y;
}

function convolve(x: F32, w: F32, g: Conv2dGeometry): F32 {
  const rowsTotal = g.batch * g.outH * g.outW;
  const K = patchSize(g);
  const out = new Float32Array(rowsTotal * g.outC);
  const W = view(w, 0, K, g.outC, false);
  if (isPointwise(g)) {
    gemm(rowsTotal, g.outC, K, view(x, 0, rowsTotal, K, false), W, out, 0, g.outC, false);
    return out;
  }
  const chunk = chunkRows(g);
  const cols = new Float32Array(chunk * K);
  for (let r0 = 0; r0 < rowsTotal; r0 += chunk) {
    const rows = Math.min(chunk, rowsTotal - r0);
    im2col(x, g, r0, rows, cols);
    gemm(rows, g.outC, K, view(cols, 0, rows, K, false), W, out, r0 * g.outC, g.outC, false);
  }
  return out;
}

export function conv2dBackpropInput(dyValues: F32, wValues: F32, g: Conv2dGeometry, precision: Precision = "float32"): F32 {
  const dy = operand(dyValues, precision),
    w = operand(wValues, precision);
  const rowsTotal = g.batch * g.outH * g.outW;
  const K = patchSize(g);
  const dx = new Float32Array(g.batch * g.inH * g.inW * g.inC);
  const Wt = view(w, 0, g.outC, K, true);
  if (isPointwise(g)) {
    gemm(rowsTotal, K, g.outC, view(dy, 0, rowsTotal, g.outC, false), Wt, dx, 0, K, false);
    return dx;
  }
  const chunk = chunkRows(g);
  const cols = new Float32Array(chunk * K);
  for (let r0 = 0; r0 < rowsTotal; r0 += chunk) {
    const rows = Math.min(chunk, rowsTotal - r0);
    gemm(rows, K, g.outC, view(dy, r0 * g.outC, rows, g.outC, false), Wt, cols, 0, K, false);
    col2im(cols, g, r0, rows, dx);
  }
  return dx;
}

export function conv2dBackpropFilter(xValues: F32, dyValues: F32, g: Conv2dGeometry, precision: Precision = "float32"): F32 {
  const x = operand(xValues, precision),
    dy = operand(dyValues, precision);
  const rowsTotal = g.batch * g.outH * g.outW;
  const K = patchSize(g);
  const dw = new Float32Array(K * g.outC);
  if (isPointwise(g)) {
    gemm(K, g.outC, rowsTotal, view(x, 0, K, rowsTotal, true), view(dy, 0, rowsTotal, g.outC, false), dw, 0, g.outC, false);
    return dw;
  }
  const chunk = chunkRows(g);
  const cols = new Float32Array(chunk * K);
  for (let r0 = 0; r0 < rowsTotal; r0 += chunk) {
    const rows = Math.min(chunk, rowsTotal - r0);
    im2col(x, g, r0, rows, cols);
    gemm(K, g.outC, rows, view(cols, 0, K, rows, true), view(dy, r0 * g.outC, rows, g.outC, false), dw, 0, g.outC, true);
  }
  return dw;
}
