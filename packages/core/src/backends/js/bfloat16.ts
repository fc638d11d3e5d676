/**
 * bfloat16 rounding for mixed precision: the reference backend emulates bfloat16 products by
 * rounding both operands (round to nearest even, as vcvtneps2bf16 does) and multiplying in
 * float32, which gives the native AVX512_BF16 products' values up to summation order.
 */
import type { F32, Precision } from "../kernels.js";

/** A copy of x with every value rounded to the nearest bfloat16 (8 bits of mantissa). */
export function roundToBfloat16(x: F32): F32 {
  const out = new Float32Array(x);
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) {
    const v = bits[i];
    // NaN stays NaN (quieted); everything else rounds half to even on the 16 bits dropped
    bits[i] = (v & 0x7fffffff) > 0x7f800000 ? (v | 0x400000) & 0xffff0000 : (v + 0x7fff + ((v >>> 16) & 1)) & 0xffff0000;
  }
  return out;
}

/** The operand as a product sees it under `precision`. */
export function operand(x: F32, precision: Precision): F32 {
  return precision === "bfloat16" ? roundToBfloat16(x) : x;
}
