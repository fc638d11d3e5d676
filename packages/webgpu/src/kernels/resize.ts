/**
 * Bilinear and nearest-neighbour resizing of NHWC images on the GPU, with their gradients. Each
 * axis's source taps depend on the geometry alone: the CPU computes them as the TypeScript kernel
 * does (in doubles) and hands them over as a small table, with, for each input row and column,
 * the range of outputs that read it, so that the gradients gather (one input cell per invocation,
 * its outputs in the reference's order) instead of racing to scatter.
 */
import { bilinearTaps, nearestIndex } from "@kerno/core/backends/js/resize.js";
import type { F32, Kernels, ResizeGeometry } from "@kerno/core/backends/kernels.js";
import { type Gpu, u32 } from "../gpu.js";
import { flatKernel, grid } from "../wgsl.js";

/** For each input index, [first, last + 1) of the outputs whose taps include it ([0, 0) for none): starts then ends. */
function covers(inSize: number, taps: readonly Int32Array[]): Int32Array {
  const range = new Int32Array(2 * inSize);
  const seen = new Uint8Array(inSize);
  for (const tap of taps)
    tap.forEach((t, o) => {
      if (!seen[t]) range[t] = o;
      range[t] = Math.min(range[t], o);
      range[inSize + t] = Math.max(range[inSize + t], o + 1);
      seen[t] = 1;
    });
  return range;
}

/** The table of ints: the taps of y then x, then the covers of y then x. */
const table = (parts: readonly Int32Array[]): Int32Array => {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/**
 * A resize kernel, one cell i (channel c) per invocation, reading `input`, the int table `taps`
 * (and the weights `frac` when `weights`), writing `output`; `coverStart()` is where the table's
 * covers start, after `tapTables` (2 for bilinear's lo and hi, 1 for nearest) tables of outH then of outW.
 */
const resizeKernel = (input: string, output: string, weights: boolean, tapTables: number, body: string): string =>
  flatKernel({
    params: "n: u32, inH: u32, inW: u32, channels: u32, outH: u32, outW: u32",
    reads: [`${input}: array<f32>`, "taps: array<i32>", ...(weights ? ["frac: array<f32>"] : [])],
    writes: [`${output}: array<f32>`],
    helpers: `fn coverStart() -> u32 { return ${tapTables}u * (p.outH + p.outW); }`,
    body: `  let c = i % p.channels;${body}`,
  });

/** The output cell (b, oy, ox, c) of flat index i. */
const OUTPUT_CELL = /* wgsl */ `
  let pixel = i / p.channels;
  let ox = pixel % p.outW;
  let oy = (pixel / p.outW) % p.outH;
  let b = pixel / (p.outW * p.outH);`;

/** The input cell (b, iy, ix, c) of flat index i and the outputs that read it: rows [oy0, oy1), columns [ox0, ox1). */
const INPUT_CELL = /* wgsl */ `
  let pixel = i / p.channels;
  let ix = pixel % p.inW;
  let iy = (pixel / p.inW) % p.inH;
  let b = pixel / (p.inW * p.inH);
  let cs = coverStart();
  let oy0 = u32(taps[cs + iy]);
  let oy1 = u32(taps[cs + p.inH + iy]);
  let ox0 = u32(taps[cs + 2u * p.inH + ix]);
  let ox1 = u32(taps[cs + 2u * p.inH + p.inW + ix]);`;

/** taps: loY [outH], hiY [outH], loX [outW], hiX [outW], then covers; frac: y [outH], x [outW]. */
const RESIZE_BILINEAR = resizeKernel(
  "x",
  "y",
  true,
  2,
  /* wgsl */ `${OUTPUT_CELL}
  let y0 = u32(taps[oy]);
  let y1 = u32(taps[p.outH + oy]);
  let x0 = u32(taps[2u * p.outH + ox]);
  let x1 = u32(taps[2u * p.outH + p.outW + ox]);
  let fy = frac[oy];
  let fx = frac[p.outH + ox];
  let r0 = (b * p.inH + y0) * p.inW;
  let r1 = (b * p.inH + y1) * p.inW;
  let xa = x[(r0 + x0) * p.channels + c];
  let xb = x[(r0 + x1) * p.channels + c];
  let xc = x[(r1 + x0) * p.channels + c];
  let xd = x[(r1 + x1) * p.channels + c];
  let top = xa + (xb - xa) * fx;
  let bot = xc + (xd - xc) * fx;
  y[i] = top + (bot - top) * fy;`,
);

/** Each output adds v (1-fy)(1-fx), v (1-fy) fx, v fy (1-fx), v fy fx to its four taps, in that order. */
const RESIZE_BILINEAR_GRAD = resizeKernel(
  "dy",
  "dx",
  true,
  2,
  /* wgsl */ `${INPUT_CELL}
  var sum = 0.0;
  for (var oy = oy0; oy < oy1; oy++) {
    let fy = frac[oy];
    let loY = u32(taps[oy]) == iy;
    let hiY = u32(taps[p.outH + oy]) == iy;
    for (var ox = ox0; ox < ox1; ox++) {
      let fx = frac[p.outH + ox];
      let loX = u32(taps[2u * p.outH + ox]) == ix;
      let hiX = u32(taps[2u * p.outH + p.outW + ox]) == ix;
      let v = dy[((b * p.outH + oy) * p.outW + ox) * p.channels + c];
      if (loY && loX) { sum += v * (1.0 - fy) * (1.0 - fx); }
      if (loY && hiX) { sum += v * (1.0 - fy) * fx; }
      if (hiY && loX) { sum += v * fy * (1.0 - fx); }
      if (hiY && hiX) { sum += v * fy * fx; }
    }
  }
  dx[i] = sum;`,
);

/** taps: the source row of each output row [outH], column [outW], then covers. */
const RESIZE_NEAREST = resizeKernel(
  "x",
  "y",
  false,
  1,
  /* wgsl */ `${OUTPUT_CELL}
  let sy = u32(taps[oy]);
  let sx = u32(taps[p.outH + ox]);
  y[i] = x[((b * p.inH + sy) * p.inW + sx) * p.channels + c];`,
);

const RESIZE_NEAREST_GRAD = resizeKernel(
  "dy",
  "dx",
  false,
  1,
  /* wgsl */ `${INPUT_CELL}
  var sum = 0.0;
  for (var oy = oy0; oy < oy1; oy++) {
    for (var ox = ox0; ox < ox1; ox++) {
      sum += dy[((b * p.outH + oy) * p.outW + ox) * p.channels + c];
    }
  }
  dx[i] = sum;`,
);

export function resizeKernels(gpu: Gpu): Pick<Kernels, "resizeBilinear" | "resizeBilinearGrad" | "resizeNearest" | "resizeNearestGrad"> {
  const bilinear = (g: ResizeGeometry) => {
    const ty = bilinearTaps(g.inH, g.outH, g),
      tx = bilinearTaps(g.inW, g.outW, g);
    const taps = table([ty.lo, ty.hi, tx.lo, tx.hi, covers(g.inH, [ty.lo, ty.hi]), covers(g.inW, [tx.lo, tx.hi])]);
    const frac = new Float32Array(g.outH + g.outW);
    frac.set(ty.frac);
    frac.set(tx.frac, g.outH);
    return [taps, frac];
  };
  const nearest = (g: ResizeGeometry) => {
    const iy = nearestIndex(g.inH, g.outH, g),
      ix = nearestIndex(g.inW, g.outW, g);
    return [table([iy, ix, covers(g.inH, [iy]), covers(g.inW, [ix])])];
  };
  const run = (label: string, code: string, input: F32, tables: (Int32Array | Float32Array)[], n: number, g: ResizeGeometry): F32 =>
    gpu.run({
      label,
      code,
      inputs: [input, ...tables],
      outputs: [{ dtype: "float32", length: n }],
      params: [n, g.inH, g.inW, g.channels, g.outH, g.outW].map(u32),
      workgroups: grid(n),
    })[0] as F32;
  const outLength = (g: ResizeGeometry) => g.batch * g.outH * g.outW * g.channels;
  const inLength = (g: ResizeGeometry) => g.batch * g.inH * g.inW * g.channels;
  return {
    resizeBilinear: (x, g) => run("resizeBilinear", RESIZE_BILINEAR, x, bilinear(g), outLength(g), g),
    resizeBilinearGrad: (dy, g) => run("resizeBilinearGrad", RESIZE_BILINEAR_GRAD, dy, bilinear(g), inLength(g), g),
    resizeNearest: (x, g) => run("resizeNearest", RESIZE_NEAREST, x, nearest(g), outLength(g), g),
    resizeNearestGrad: (dy, g) => run("resizeNearestGrad", RESIZE_NEAREST_GRAD, dy, nearest(g), inLength(g), g),
  };
}
