/** Max and average pooling over NHWC windows, with their gradients. */
import type { F32, Pool2dGeometry } from "../kernels.js";

/**
 * Calls f(outIndexBase, y0, y1, x0, x1, n, ys, xs) for each output cell with its window clipped to
 * the input; (ys, xs) is the unclipped window's first cell.
 */
function forEachWindow(g: Pool2dGeometry, f: (o: number, y0: number, y1: number, x0: number, x1: number, n: number, ys: number, xs: number) => void): void {
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      const ys = oy * g.strideH - g.padTop;
      const y0 = Math.max(ys, 0),
        y1 = Math.min(ys + g.kH, g.inH);
      for (let ox = 0; ox < g.outW; ox++) {
        const xs = ox * g.strideW - g.padLeft;
        const x0 = Math.max(xs, 0),
          x1 = Math.min(xs + g.kW, g.inW);
        f(((n * g.outH + oy) * g.outW + ox) * g.channels, y0, y1, x0, x1, n, ys, xs);
      }
    }
  }
}

export function maxPool2d(x: F32, g: Pool2dGeometry): F32 {
  const C = g.channels;
  const out = new Float32Array(g.batch * g.outH * g.outW * C).fill(-Infinity);
  forEachWindow(g, (o, y0, y1, x0, x1, n) => {
    for (let iy = y0; iy < y1; iy++)
      for (let ix = x0; ix < x1; ix++) {
        const src = ((n * g.inH + iy) * g.inW + ix) * C;
        for (let c = 0; c < C; c++) {
          const v = x[src + c];
          if (v > out[o + c]) out[o + c] = v;
        }
      }
  });
  return out;
}

/** Routes each output's gradient to the first maximal cell of its window (as TensorFlow does). */
export function maxPool2dGrad(dy: F32, x: F32, g: Pool2dGeometry): F32 {
  const C = g.channels;
  const dx = new Float32Array(x.length);
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  forEachWindow(g, (o, y0, y1, x0, x1, n) => {
    best.fill(-Infinity);
    where.fill(-1);
    for (let iy = y0; iy < y1; iy++)
      for (let ix = x0; ix < x1; ix++) {
        const src = ((n * g.inH + iy) * g.inW + ix) * C;
        for (let c = 0; c < C; c++)
          if (x[src + c] > best[c] || where[c] < 0) {
            best[c] = x[src + c];
            where[c] = src + c;
          }
      }
    for (let c = 0; c < C; c++) if (where[c] >= 0) dx[where[c]] += dy[o + c];
  });
  return dx;
}

/** maxPool2dGrad, then relu's gradient from its output x (zero where x <= 0), and its per-channel sums. */
export function maxPool2dReluGrad(dy: F32, x: F32, g: Pool2dGeometry): { dz: F32; db: F32 } {
  const dz = maxPool2dGrad(dy, x, g);
  const db = new Float32Array(g.channels);
  for (let i = 0; i < dz.length; i++) {
    if (!(x[i] > 0)) dz[i] = 0;
    db[i % g.channels] += dz[i];
  }
  return { dz, db };
}

/** A window's cells, numbered row-major over the whole kH x kW window (padding cells included); 255: none. */
const NO_CELL = 255;

function assertByteCells(g: Pool2dGeometry, who: string): void {
  if (g.kH * g.kW > NO_CELL) throw new RangeError(`${who}: a ${g.kH}x${g.kW} window has ${g.kH * g.kW} cells; a byte's argmax names at most 255`);
}

/**
 * maxPool2d, and each output's argmax: the first cell of its window equal to the maximum (the cell
 * maxPool2dGrad routes to), or NO_CELL where none is (a window of NaNs).
 */
export function maxPool2dArgmax(x: F32, g: Pool2dGeometry): { y: F32; argmax: Uint8Array } {
  assertByteCells(g, "maxPool2dArgmax");
  const C = g.channels;
  const y = maxPool2d(x, g);
  const argmax = new Uint8Array(y.length).fill(NO_CELL);
  forEachWindow(g, (o, y0, y1, x0, x1, n, ys, xs) => {
    for (let iy = y0; iy < y1; iy++)
      for (let ix = x0; ix < x1; ix++) {
        const src = ((n * g.inH + iy) * g.inW + ix) * C;
        const cell = (iy - ys) * g.kW + (ix - xs);
        for (let c = 0; c < C; c++) if (argmax[o + c] === NO_CELL && x[src + c] === y[o + c]) argmax[o + c] = cell;
      }
  });
  return { y, argmax };
}

/** dy to each window's argmax cell (maxPool2dArgmax's), summed where windows overlap. */
export function maxPool2dArgmaxGrad(dy: F32, argmax: Uint8Array, g: Pool2dGeometry): F32 {
  assertByteCells(g, "maxPool2dArgmaxGrad");
  const C = g.channels;
  const dx = new Float32Array(g.batch * g.inH * g.inW * C);
  forEachWindow(g, (o, y0, y1, x0, x1, n, ys, xs) => {
    for (let iy = y0; iy < y1; iy++)
      for (let ix = x0; ix < x1; ix++) {
        const dst = ((n * g.inH + iy) * g.inW + ix) * C;
        const cell = (iy - ys) * g.kW + (ix - xs);
        for (let c = 0; c < C; c++) if (argmax[o + c] === cell) dx[dst + c] += dy[o + c];
      }
  });
  return dx;
}

export function avgPool2d(x: F32, g: Pool2dGeometry): F32 {
  const C = g.channels;
  const out = new Float32Array(g.batch * g.outH * g.outW * C);
  forEachWindow(g, (o, y0, y1, x0, x1, n) => {
    for (let iy = y0; iy < y1; iy++)
      for (let ix = x0; ix < x1; ix++) {
        const src = ((n * g.inH + iy) * g.inW + ix) * C;
        for (let c = 0; c < C; c++) out[o + c] += x[src + c];
      }
    const inv = 1 / Math.max(1, (y1 - y0) * (x1 - x0));
    for (let c = 0; c < C; c++) out[o + c] *= inv;
  });
  return out;
}

export function avgPool2dGrad(dy: F32, g: Pool2dGeometry): F32 {
  const C = g.channels;
  const dx = new Float32Array(g.batch * g.inH * g.inW * C);
  forEachWindow(g, (o, y0, y1, x0, x1, n) => {
    const inv = 1 / Math.max(1, (y1 - y0) * (x1 - x0));
    for (let iy = y0; iy < y1; iy++)
      for (let ix = x0; ix < x1; ix++) {
        const dst = ((n * g.inH + iy) * g.inW + ix) * C;
        for (let c = 0; c < C; c++) dx[dst + c] += dy[o + c] * inv;
      }
  });
  return dx;
}
