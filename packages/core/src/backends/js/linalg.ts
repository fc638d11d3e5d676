/** Batched matrix product over broadcast batch dimensions. */

import { type Shape, sizeOf } from "../../tensor/shape.js";
import type { F32, Precision } from "../kernels.js";
import { operand } from "./bfloat16.js";
import { broadcastStrides } from "./elementwise.js";
import { gemm, view } from "./gemm.js";

export function matMul(
  aValues: F32,
  aShape: Shape,
  bValues: F32,
  bShape: Shape,
  transA: boolean,
  transB: boolean,
  outShape: Shape,
  precision: Precision = "float32",
): F32 {
  const a = operand(aValues, precision),
    b = operand(bValues, precision);
  const ra = aShape.length,
    rb = bShape.length,
    ro = outShape.length;
  const m = outShape[ro - 2],
    n = outShape[ro - 1];
  const k = transA ? aShape[ra - 2] : aShape[ra - 1];
  const out = new Float32Array(sizeOf(outShape));
  const batchShape = outShape.slice(0, ro - 2);
  const batches = sizeOf(batchShape);
  // batch strides counted in whole matrices, 0 where a batch dim is broadcast
  const aStrides = broadcastStrides(aShape.slice(0, ra - 2), batchShape);
  const bStrides = broadcastStrides(bShape.slice(0, rb - 2), batchShape);
  const aMat = aShape[ra - 2] * aShape[ra - 1],
    bMat = bShape[rb - 2] * bShape[rb - 1];
  const idx = new Array<number>(batchShape.length).fill(0);
  for (let t = 0; t < batches; t++) {
    let ai = 0,
      bi = 0;
    for (let d = 0; d < batchShape.length; d++) {
      ai += idx[d] * aStrides[d];
      bi += idx[d] * bStrides[d];
    }
    gemm(m, n, k, view(a, ai * aMat, m, k, transA), view(b, bi * bMat, k, n, transB), out, t * m * n, n, false);
    for (let d = batchShape.length - 1; d >= 0; d--) {
      if (++idx[d] < batchShape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}
