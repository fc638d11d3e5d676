/**
 * Pillow's Image.resize with BILINEAR, bit for bit: an antialiased triangle filter whose support
 * grows with the reduction factor, 22-bit fixed-point coefficients, a horizontal then a vertical
 * pass, each rounded to 8 bits. Models trained or verified in Python on PIL-resized images (ml5's
 * Tiny Darknet, many Keras pipelines) see exactly the pixels they saw there.
 */
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** For each output index: the first input index, how many inputs, and their fixed-point weights. */
function coefficients(inSize: number, outSize: number): { bounds: Int32Array; weights: Int32Array; ksize: number } {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = Math.max(0, 1 - Math.abs((x + xmin - center + 0.5) * ss));
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      const v = x < xmax && ww !== 0 ? k[x] / ww : 0;
      weights[xx * ksize + x] = Math.trunc(v < 0 ? -0.5 + v * ONE : 0.5 + v * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, weights, ksize };
}

const clip8 = (v: number) => (v >= ONE * 255 ? 255 : v <= 0 ? 0 : Math.floor(v / ONE));

/** Resizes interleaved 8-bit pixels [h, w, c] to [outH, outW, c] as Pillow's BILINEAR does. */
export function pillowBilinear(src: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array {
  const horiz = coefficients(w, outW);
  const vert = coefficients(h, outH);
  // the horizontal pass covers only the rows the vertical pass reads
  const first = vert.bounds[0];
  const last = vert.bounds[outH * 2 - 2] + vert.bounds[outH * 2 - 1];
  let rows = src,
    rowH = h,
    rowOffset = 0;
  if (outW !== w) {
    rowH = last - first;
    rows = new Uint8Array(rowH * outW * c);
    for (let y = 0; y < rowH; y++) {
      for (let xx = 0; xx < outW; xx++) {
        const xmin = horiz.bounds[xx * 2],
          xmax = horiz.bounds[xx * 2 + 1];
        for (let ch = 0; ch < c; ch++) {
          let ss = HALF;
          for (let x = 0; x < xmax; x++) ss += src[((y + first) * w + x + xmin) * c + ch] * horiz.weights[xx * horiz.ksize + x];
          rows[(y * outW + xx) * c + ch] = clip8(ss);
        }
      }
    }
    rowOffset = first;
  }
  if (outH === h && outW !== w) return rows;
  const width = outW;
  const out = new Uint8Array(outH * outW * c);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = vert.bounds[yy * 2] - rowOffset,
      ymax = vert.bounds[yy * 2 + 1];
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < c; ch++) {
        let ss = HALF;
        for (let y = 0; y < ymax; y++) ss += rows[((y + ymin) * width + x) * c + ch] * vert.weights[yy * vert.ksize + y];
        out[(yy * width + x) * c + ch] = clip8(ss);
      }
    }
  }
  return out;
}
