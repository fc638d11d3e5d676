/** Fused optimizer updates with Keras's formulas; they write param and slots in place. */
import type { F32 } from "../kernels.js";

export function sgdUpdate(param: F32, grad: F32, velocity: F32 | null, lr: number, momentum: number, nesterov: boolean): void {
  const n = param.length;
  if (!velocity) {
    for (let i = 0; i < n; i++) param[i] -= lr * grad[i];
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = momentum * velocity[i] - lr * grad[i];
    velocity[i] = v;
    param[i] += nesterov ? momentum * v - lr * grad[i] : v;
  }
}

export function rmspropUpdate(
  param: F32,
  grad: F32,
  meanSquare: F32,
  momentumBuf: F32 | null,
  lr: number,
  rho: number,
  momentum: number,
  epsilon: number,
): void {
  const n = param.length;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const ms = rho * meanSquare[i] + (1 - rho) * g * g;
    meanSquare[i] = ms;
    const step = (lr * g) / Math.sqrt(ms + epsilon);
    if (momentumBuf) {
      const m = momentum * momentumBuf[i] + step;
      momentumBuf[i] = m;
      param[i] -= m;
    } else param[i] -= step;
  }
}

export function adamUpdate(
  param: F32,
  grad: F32,
  m: F32,
  v: F32,
  lr: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  step: number,
  weightDecay: number,
): void {
  const n = param.length;
  const alpha = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
  const decay = 1 - lr * weightDecay;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const mi = m[i] + (g - m[i]) * (1 - beta1);
    const vi = v[i] + (g * g - v[i]) * (1 - beta2);
    m[i] = mi;
    v[i] = vi;
    param[i] = param[i] * decay - (alpha * mi) / (Math.sqrt(vi) + epsilon);
  }
}
