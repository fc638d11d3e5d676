/**
 * Depthwise 2-D convolution (each input channel convolved with its own depthMultiplier filters) in
 * NHWC, with a [kh, kw, channels, multiplier] kernel: output channel c * multiplier + j. The
 * geometry is conv2d's with outC = inC * multiplier.
 */
import type { Conv2dGeometry, F32, FusedActivation } from "../kernels.js";
import { biasActivation } from "./unary.js";

/** Calls f(outPixel, inPixel, tap) for every output pixel and each kernel tap inside the input (pixel offsets, not channel). */
function forEachTap(g: Conv2dGeometry, f: (o: number, i: number, tap: number) => void): void {
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++) {
        const o = (n * g.outH + oy) * g.outW + ox;
        for (let ky = 0; ky < g.kH; ky++) {
          const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
          if (iy < 0 || iy >= g.inH) continue;
          for (let kx = 0; kx < g.kW; kx++) {
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            if (ix >= 0 && ix < g.inW) f(o, (n * g.inH + iy) * g.inW + ix, ky * g.kW + kx);
          }
        }
      }
}

export function depthwiseConv2d(x: F32, w: F32, g: Conv2dGeometry, bias: F32 | null, act: FusedActivation): F32 {
  const C = g.inC,
    M = g.outC / g.inC;
  const y = new Float32Array(g.batch * g.outH * g.outW * g.outC);
  forEachTap(g, (o, i, tap) => {
    for (let c = 0; c < C; c++) for (let j = 0; j < M; j++) y[o * g.outC + c * M + j] += x[i * C + c] * w[(tap * C + c) * M + j];
  });
  return bias || act !== "linear" ? biasActivation(y, bias, act) : y;
}

export function depthwiseConv2dBackpropInput(dy: F32, w: F32, g: Conv2dGeometry): F32 {
  const C = g.inC,
    M = g.outC / g.inC;
  const dx = new Float32Array(g.batch * g.inH * g.inW * C);
  forEachTap(g, (o, i, tap) => {
    for (let c = 0; c < C; c++) for (let j = 0; j < M; j++) dx[i * C + c] += dy[o * g.outC + c * M + j] * w[(tap * C + c) * M + j];
  });
  return dx;
}

export function depthwiseConv2dBackpropFilter(x: F32, dy: F32, g: Conv2dGeometry): F32 {
  const C = g.inC,
    M = g.outC / g.inC;
  const dw = new Float64Array(g.kH * g.kW * C * M);
  forEachTap(g, (o, i, tap) => {
    for (let c = 0; c < C; c++) for (let j = 0; j < M; j++) dw[(tap * C + c) * M + j] += x[i * C + c] * dy[o * g.outC + c * M + j];
  });
  return Float32Array.from(dw);
}
