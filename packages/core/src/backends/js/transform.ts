/**
 * Batched projective image transforms (TensorFlow's ImageProjectiveTransformV3, which Keras's
 * augmentation layers use) and their adjoint, in TypeScript. NHWC; fill modes map coordinates
 * outside the image as TensorFlow does.
 */
import type { F32, FillMode, TransformGeometry } from "../kernels.js";

/** Where an input coordinate outside [0, len - 1] reads from (constant mode: unchanged, filled on read). */
export function mapCoordinate(c: number, len: number, mode: FillMode): number {
  if (mode === "constant") return c;
  if (mode === "nearest") return Math.min(Math.max(c, 0), len - 1);
  let v = c;
  if (len <= 1) v = 0;
  else if (mode === "reflect") {
    // [abcd] -> [dcba|abcd|dcba]
    const sz2 = 2 * len;
    if (v < 0) {
      if (v < -sz2) v = sz2 * Math.trunc(-v / sz2) + v;
      v = v < -len ? v + sz2 : -v - 1;
    } else if (v > len - 1) {
      v -= sz2 * Math.trunc(v / sz2);
      if (v >= len) v = sz2 - v - 1;
    }
  } else if (v < 0) {
    // wrap: [abcd] -> [abcd|abcd|abcd]
    v += len * (Math.trunc(-v / (len - 1)) + 1);
  } else if (v > len - 1) {
    v -= len * Math.trunc(v / (len - 1));
  }
  return Math.min(Math.max(v, 0), len - 1);
}

/**
 * Calls tap(outIndex, inIndex or -1 for the fill value, weight) for every input pixel each output
 * pixel samples (4 for bilinear, 1 for nearest), channel offsets excluded.
 */
function forEachTap(g: TransformGeometry, t: F32, tap: (o: number, i: number, w: number) => void): void {
  const { inH, inW, outH, outW, fillMode } = g;
  const read = (b: number, y: number, x: number) => (y < 0 || y >= inH || x < 0 || x >= inW ? -1 : (b * inH + y) * inW + x);
  for (let b = 0; b < g.batch; b++) {
    const [a0, a1, a2, b0, b1, b2, c0, c1] = t.subarray(b * 8, b * 8 + 8);
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        const o = (b * outH + y) * outW + x;
        const k = c0 * x + c1 * y + 1;
        if (k === 0) {
          tap(o, -1, 1);
          continue;
        }
        const sx = mapCoordinate((a0 * x + a1 * y + a2) / k, inW, fillMode);
        const sy = mapCoordinate((b0 * x + b1 * y + b2) / k, inH, fillMode);
        if (g.interpolation === "nearest") {
          tap(o, read(b, Math.round(sy), Math.round(sx)), 1);
          continue;
        }
        const x0 = Math.floor(sx),
          y0 = Math.floor(sy);
        const fx = sx - x0,
          fy = sy - y0;
        tap(o, read(b, y0, x0), (1 - fx) * (1 - fy));
        tap(o, read(b, y0, x0 + 1), fx * (1 - fy));
        tap(o, read(b, y0 + 1, x0), (1 - fx) * fy);
        tap(o, read(b, y0 + 1, x0 + 1), fx * fy);
      }
    }
  }
}

export function imageTransform(x: F32, transforms: F32, g: TransformGeometry): F32 {
  const C = g.channels;
  const out = new Float32Array(g.batch * g.outH * g.outW * C);
  forEachTap(g, transforms, (o, i, w) => {
    if (w === 0) return;
    for (let c = 0; c < C; c++) out[o * C + c] += w * (i < 0 ? g.fillValue : x[i * C + c]);
  });
  return out;
}

export function imageTransformGrad(dy: F32, transforms: F32, g: TransformGeometry): F32 {
  const C = g.channels;
  const dx = new Float32Array(g.batch * g.inH * g.inW * C);
  forEachTap(g, transforms, (o, i, w) => {
    if (i < 0 || w === 0) return;
    for (let c = 0; c < C; c++) dx[i * C + c] += w * dy[o * C + c];
  });
  return dx;
}
