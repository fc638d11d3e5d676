/**
 * Where each output pixel of an image transform samples its input, in WGSL, as the TypeScript
 * reference computes it in doubles. Plain f32 would land on the other side of a rounding tie (a
 * coordinate of 5.4999998 read as 5.5) or of a wrap's seam now and then, picking another pixel;
 * so coordinates are pairs (hi, lo) of f32 whose sum is the value to about 48 bits: the products
 * of a transform's entries with pixel indices are split exactly (the entry's top 12 bits and the
 * rest, each times an index below 4096), sums are error-free (twoSum), and the fill modes' folds
 * add whole numbers to pairs. A projective transform's division
 * (c0, c1 not both 0) finds its remainder from exact partial products.
 */
import type { FillMode, Interpolation } from "@kerno/core/backends/kernels.js";

/** A pair's arithmetic: twoSum (a + b as an f32 and its rounding error), adding a whole number, comparing. */
const PAIRS = /* wgsl */ `
fn twoSum(a: f32, b: f32) -> vec2f {
  let s = a + b;
  let bb = s - a;
  return vec2f(s, (a - (s - bb)) + (b - bb));
}
/** v + n, renormalized (hi the f32 nearest the sum). */
fn addTo(v: vec2f, n: f32) -> vec2f {
  let t = twoSum(v.x, n);
  return twoSum(t.x, t.y + v.y);
}
fn below(v: vec2f, c: f32) -> bool { return addTo(v, -c).x < 0.0; }
fn above(v: vec2f, c: f32) -> bool { return addTo(v, -c).x > 0.0; }
/** a as its top 12 significant bits and the rest (each a product of two of them is exact). */
fn split(a: f32) -> vec2f {
  let top = bitcast<f32>(bitcast<u32>(a) & 0xfffff000u);
  return vec2f(top, a - top);
}
/** a * n exactly for a whole n below 4096, as a pair. */
fn times(a: f32, n: f32) -> vec2f {
  let s = split(a);
  return twoSum(s.x * n, s.y * n);
}
/** v / k as a pair: the f32 quotient and the rest's quotient (its remainder v - q k.x from exact partial products). */
fn divide(v: vec2f, k: vec2f) -> vec2f {
  let q = v.x / k.x;
  let qs = split(q);
  let ks = split(k.x);
  var r = twoSum(v.x, -qs.x * ks.x);
  var e = r.y + v.y - q * k.y;
  r = twoSum(r.x, -qs.x * ks.y);
  e += r.y;
  r = twoSum(r.x, -qs.y * ks.x);
  e += r.y;
  r = twoSum(r.x, -qs.y * ks.y);
  e += r.y;
  let rest = (r.x + e) / k.x;
  return select(vec2f(q, 0.0), twoSum(q, rest), abs(rest) < abs(q) || q == 0.0);
}
/** a x + b y + c as a pair. */
fn affine(a: f32, b: f32, c: f32, x: f32, y: f32) -> vec2f {
  let p = times(a, x);
  let q = times(b, y);
  let s = twoSum(p.x, q.x);
  let t = twoSum(s.x, c);
  return twoSum(t.x, t.y + s.y + p.y + q.y);
}
fn floorOf(v: vec2f) -> f32 {
  let f = floor(v.x);
  return select(f, f - 1.0, v.x == f && v.y < 0.0);
}
fn clampTo(v: vec2f, hi: f32) -> vec2f {
  if (below(v, 0.0)) { return vec2f(0.0); }
  if (above(v, hi)) { return vec2f(hi, 0.0); }
  return v;
}
/** The whole q with q m <= v < (q + 1) m, for v >= 0 (trunc(v / m) in exact arithmetic). */
fn quotient(v: vec2f, m: f32) -> f32 {
  var q = trunc(v.x / m);
  if (below(v, q * m)) { q -= 1.0; } else if (!below(v, (q + 1.0) * m)) { q += 1.0; }
  return q;
}`;

/** Where a coordinate outside [0, len - 1] reads from, as the reference's mapCoordinate (c a pair). */
const MAP_COORDINATE: Record<FillMode, string> = {
  constant: "return c;",
  nearest: "return clampTo(c, len - 1.0);",
  reflect: /* wgsl */ `
  // [abcd] -> [dcba|abcd|dcba]
  if (len <= 1.0) { return vec2f(0.0); }
  let sz2 = 2.0 * len;
  var v = c;
  if (below(v, 0.0)) {
    if (below(v, -sz2)) { v = addTo(v, sz2 * quotient(-v, sz2)); }
    v = select(addTo(-v, -1.0), addTo(v, sz2), below(v, -len));
  } else if (above(v, len - 1.0)) {
    v = addTo(v, -sz2 * quotient(v, sz2));
    if (!below(v, len)) { v = addTo(-v, sz2 - 1.0); }
  }
  return clampTo(v, len - 1.0);`,
  wrap: /* wgsl */ `
  // [abcd] -> [abcd|abcd|abcd]
  if (len <= 1.0) { return vec2f(0.0); }
  var v = c;
  if (below(v, 0.0)) {
    v = addTo(v, len * (quotient(-v, len - 1.0) + 1.0));
  } else if (above(v, len - 1.0)) {
    v = addTo(v, -len * quotient(v, len - 1.0));
  }
  return clampTo(v, len - 1.0);`,
};

/**
 * WGSL of `sample(b, y, x)`: the input pixels (flat pixel indices, -1 for the fill value) that
 * output pixel (b, y, x) reads and their weights, `count` of them (4 for bilinear, 1 for
 * nearest). Needs `transforms` (array<f32>, 8 per image) and `p` with inH and inW.
 */
export const sampler = (mode: FillMode, interpolation: Interpolation) => /* wgsl */ `
${PAIRS}
struct Taps { at: vec4<i32>, w: vec4<f32>, count: u32 }
fn mapCoordinate(c: vec2f, len: f32) -> vec2f {${MAP_COORDINATE[mode]}
}
/** The flat pixel of image b at (y, x), or -1 outside the image (or not a number). */
fn pixelAt(b: u32, y: f32, x: f32) -> i32 {
  if (!(y >= 0.0 && y < f32(p.inH) && x >= 0.0 && x < f32(p.inW))) { return -1; }
  return i32((b * p.inH + u32(y)) * p.inW + u32(x));
}
/** The source coordinate (a pair) of output (x, y) along one axis: (a x + b y + c) / k. */
fn source(a: f32, b: f32, c: f32, x: f32, y: f32, k: vec2f) -> vec2f {
  let v = affine(a, b, c, x, y);
  if (k.x == 1.0 && k.y == 0.0) { return v; }
  return divide(v, k);
}
fn sample(b: u32, y: u32, x: u32) -> Taps {
  var t: array<f32, 8>;
  for (var j = 0u; j < 8u; j++) { t[j] = transforms[b * 8u + j]; }
  let fx = f32(x);
  let fy = f32(y);
  let k = affine(t[6], t[7], 1.0, fx, fy);
  if (k.x == 0.0) { return Taps(vec4<i32>(-1), vec4<f32>(1.0, 0.0, 0.0, 0.0), 1u); }
  let sx = mapCoordinate(source(t[0], t[1], t[2], fx, fy, k), f32(p.inW));
  let sy = mapCoordinate(source(t[3], t[4], t[5], fx, fy, k), f32(p.inH));
${
  interpolation === "nearest"
    ? // Math.round: the floor of v + 1/2
      "  return Taps(vec4<i32>(pixelAt(b, floorOf(addTo(sy, 0.5)), floorOf(addTo(sx, 0.5)))), vec4<f32>(1.0, 0.0, 0.0, 0.0), 1u);"
    : /* wgsl */ `  let x0 = floorOf(sx);
  let y0 = floorOf(sy);
  let wx = addTo(sx, -x0);
  let wy = addTo(sy, -y0);
  let ax = wx.x + wx.y;
  let ay = wy.x + wy.y;
  return Taps(
    vec4<i32>(pixelAt(b, y0, x0), pixelAt(b, y0, x0 + 1.0), pixelAt(b, y0 + 1.0, x0), pixelAt(b, y0 + 1.0, x0 + 1.0)),
    vec4<f32>((1.0 - ax) * (1.0 - ay), ax * (1.0 - ay), (1.0 - ax) * ay, ax * ay),
    4u,
  );`
}
}`;
