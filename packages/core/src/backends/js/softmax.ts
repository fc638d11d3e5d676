/** Softmax, log-softmax and the numerically stable cross-entropy cores. */
import type { F32 } from "../kernels.js";

/** Calls f(base, stride) for each of the outer*inner lines of length n. */
function forEachLine(outer: number, n: number, inner: number, f: (base: number, stride: number) => void): void {
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) f(o * n * inner + j, inner);
}

export function softmax(x: F32, outer: number, n: number, inner: number): F32 {
  const out = new Float32Array(x.length);
  forEachLine(outer, n, inner, (base, s) => {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, x[base + i * s]);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(x[base + i * s] - max);
      out[base + i * s] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let i = 0; i < n; i++) out[base + i * s] *= inv;
  });
  return out;
}

export function logSoftmax(x: F32, outer: number, n: number, inner: number): F32 {
  const out = new Float32Array(x.length);
  forEachLine(outer, n, inner, (base, s) => {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, x[base + i * s]);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(x[base + i * s] - max);
    const lse = max + Math.log(sum);
    for (let i = 0; i < n; i++) out[base + i * s] = x[base + i * s] - lse;
  });
  return out;
}

/** dx = y * (dy - sum(dy * y)) */
export function softmaxGrad(dy: F32, y: F32, outer: number, n: number, inner: number): F32 {
  const out = new Float32Array(dy.length);
  forEachLine(outer, n, inner, (base, s) => {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += dy[base + i * s] * y[base + i * s];
    for (let i = 0; i < n; i++) out[base + i * s] = y[base + i * s] * (dy[base + i * s] - dot);
  });
  return out;
}

/** dx = dy - exp(y) * sum(dy) */
export function logSoftmaxGrad(dy: F32, y: F32, outer: number, n: number, inner: number): F32 {
  const out = new Float32Array(dy.length);
  forEachLine(outer, n, inner, (base, s) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += dy[base + i * s];
    for (let i = 0; i < n; i++) out[base + i * s] = dy[base + i * s] - Math.exp(y[base + i * s]) * sum;
  });
  return out;
}

/**
 * One row's softmax into `p` (as probabilities) and its log-sum-exp; shared by both
 * cross-entropy cores.
 */
function rowSoftmax(logits: F32, off: number, classes: number, p: F32): number {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, logits[off + c]);
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const e = Math.exp(logits[off + c] - max);
    p[off + c] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let c = 0; c < classes; c++) p[off + c] *= inv;
  return max + Math.log(sum);
}

export function softmaxCrossEntropy(logits: F32, labels: F32, rows: number, classes: number): { loss: F32; dlogits: F32 } {
  const loss = new Float32Array(rows);
  const dlogits = new Float32Array(logits.length);
  for (let r = 0; r < rows; r++) {
    const off = r * classes;
    const lse = rowSoftmax(logits, off, classes, dlogits);
    let l = 0,
      labelSum = 0;
    for (let c = 0; c < classes; c++) {
      l += labels[off + c] * (lse - logits[off + c]);
      labelSum += labels[off + c];
    }
    loss[r] = l;
    // d/dlogits of -sum(z * log p) = p * sum(z) - z
    for (let c = 0; c < classes; c++) dlogits[off + c] = dlogits[off + c] * labelSum - labels[off + c];
  }
  return { loss, dlogits };
}

export function sparseSoftmaxCrossEntropy(logits: F32, labels: Int32Array, rows: number, classes: number): { loss: F32; dlogits: F32 } {
  const loss = new Float32Array(rows);
  const dlogits = new Float32Array(logits.length);
  for (let r = 0; r < rows; r++) {
    const label = labels[r];
    if (!(label >= 0 && label < classes)) {
      throw new RangeError(`sparseSoftmaxCrossEntropy: label ${label} at row ${r} is outside [0, ${classes})`);
    }
    const off = r * classes;
    const lse = rowSoftmax(logits, off, classes, dlogits);
    loss[r] = lse - logits[off + label];
    dlogits[off + label] -= 1;
  }
  return { loss, dlogits };
}

export function sigmoidCrossEntropy(logits: F32, labels: F32): { loss: F32; dlogits: F32 } {
  const n = logits.length;
  const loss = new Float32Array(n);
  const dlogits = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = logits[i],
      z = labels[i];
    const ax = Math.abs(x);
    loss[i] = Math.max(x, 0) - x * z + Math.log1p(Math.exp(-ax));
    const e = Math.exp(-ax);
    const sig = x >= 0 ? 1 / (1 + e) : e / (1 + e);
    dlogits[i] = sig - z;
  }
  return { loss, dlogits };
}
