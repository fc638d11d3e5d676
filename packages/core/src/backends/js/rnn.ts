/**
 * Whole-sequence SimpleRNN, LSTM and GRU (reset_after) in TypeScript; the same algorithm as
 * native/rnn.cc: one product for the input projection of all steps, one small product per step
 * with the recurrent kernel, and three products for the parameter gradients at the end.
 */
import type { F32, FusedActivation, RnnGrads, RnnSaved, RnnSpec } from "../kernels.js";
import { gemm, type MatView, view } from "./gemm.js";
import { fusedActivation, fusedDerivative } from "./unary.js";

export const GATES = { simple: 1, lstm: 4, gru: 3 } as const;

const act = (a: FusedActivation, z: number) => fusedActivation[a](z);
/** Derivative of the activation from its output. */
const dact = (a: FusedActivation, y: number) => fusedDerivative[a](y);

export function rnnForward(s: RnnSpec, x: F32, W: F32, R: F32, bias: F32 | null, h0: F32, c0: F32 | null, mask: F32 | null, recMask: F32 | null): RnnSaved {
  const { batch: B, steps: T, features: F, units: U } = s;
  const GU = GATES[s.kind] * U,
    BT = B * T;
  const xw = new Float32Array(BT * GU),
    hr = new Float32Array(B * GU);
  gemm(BT, GU, F, view(x, 0, BT, F, false), view(W, 0, F, GU, false), xw, 0, GU, false);
  const h = h0.slice(),
    c = s.kind === "lstm" && c0 ? c0.slice() : new Float32Array(0);
  const hs = new Float32Array(BT * U);
  const cs = s.kind === "lstm" ? new Float32Array(BT * U) : null;
  const cache = s.kind === "simple" ? null : new Float32Array(BT * 4 * U);
  const bRec = s.kind === "gru" && bias ? GU : -1;
  const hm = recMask ? new Float32Array(B * U) : h;
  for (let t = 0; t < T; t++) {
    if (recMask) for (let i = 0; i < hm.length; i++) hm[i] = h[i] * recMask[i];
    gemm(B, GU, U, view(hm, 0, B, U, false), view(R, 0, U, GU, false), hr, 0, GU, false);
    for (let b = 0; b < B; b++) {
      const row = b * T + t,
        hb = b * U;
      if (mask && mask[row] === 0) {
        hs.set(h.subarray(hb, hb + U), row * U);
        if (cs) cs.set(c.subarray(hb, hb + U), row * U);
        continue;
      }
      const xz = row * GU,
        hz = b * GU;
      for (let u = 0; u < U; u++) {
        const inp = (g: number) => xw[xz + g * U + u] + (bias ? bias[g * U + u] : 0);
        const rec = (g: number) => hr[hz + g * U + u] + (bRec >= 0 ? bias![bRec + g * U + u] : 0);
        if (s.kind === "simple") {
          h[hb + u] = act(s.activation, inp(0) + rec(0));
        } else if (s.kind === "lstm") {
          const i = act(s.recurrentActivation, inp(0) + rec(0)),
            f = act(s.recurrentActivation, inp(1) + rec(1));
          const g = act(s.activation, inp(2) + rec(2)),
            o = act(s.recurrentActivation, inp(3) + rec(3));
          c[hb + u] = f * c[hb + u] + i * g;
          h[hb + u] = o * act(s.activation, c[hb + u]);
          const k = row * 4 * U;
          cache![k + u] = i;
          cache![k + U + u] = f;
          cache![k + 2 * U + u] = g;
          cache![k + 3 * U + u] = o;
        } else {
          const z = act(s.recurrentActivation, inp(0) + rec(0)),
            r = act(s.recurrentActivation, inp(1) + rec(1));
          const hzh = rec(2);
          const hh = act(s.activation, inp(2) + r * hzh);
          const k = row * 4 * U;
          cache![k + u] = z;
          cache![k + U + u] = r;
          cache![k + 2 * U + u] = hh;
          cache![k + 3 * U + u] = hzh;
          h[hb + u] = z * h[hb + u] + (1 - z) * hh;
        }
      }
      hs.set(h.subarray(hb, hb + U), row * U);
      if (cs) cs.set(c.subarray(hb, hb + U), row * U);
    }
  }
  return { hs, cs, cache };
}

export function rnnBackward(
  s: RnnSpec,
  dhs: F32,
  dcT: F32 | null,
  x: F32,
  W: F32,
  R: F32,
  bias: F32 | null,
  h0: F32,
  c0: F32 | null,
  mask: F32 | null,
  recMask: F32 | null,
  saved: RnnSaved,
): RnnGrads {
  const { batch: B, steps: T, features: F, units: U } = s;
  const GU = GATES[s.kind] * U,
    BT = B * T;
  const { hs, cs, cache } = saved;
  const dzx = new Float32Array(BT * GU);
  const dzh = s.kind === "gru" ? new Float32Array(BT * GU) : dzx;
  const dh = new Float32Array(B * U),
    dc = new Float32Array(B * U),
    direct = new Float32Array(B * U);
  if (s.kind === "lstm" && dcT) dc.set(dcT);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = b * T + t,
        hb = b * U;
      for (let u = 0; u < U; u++) dh[hb + u] += dhs[row * U + u];
      if (mask && mask[row] === 0) {
        direct.set(dh.subarray(hb, hb + U), hb);
        continue;
      }
      const hprev = (u: number) => (t > 0 ? hs[(row - 1) * U + u] : h0[hb + u]);
      const dz = row * GU;
      for (let u = 0; u < U; u++) {
        const d = dh[hb + u];
        if (s.kind === "simple") {
          dzx[dz + u] = d * dact(s.activation, hs[row * U + u]);
          direct[hb + u] = 0;
        } else if (s.kind === "lstm") {
          const k = row * 4 * U;
          const i = cache![k + u],
            f = cache![k + U + u],
            g = cache![k + 2 * U + u],
            o = cache![k + 3 * U + u];
          const tc = act(s.activation, cs![row * U + u]);
          const cprev = t > 0 ? cs![(row - 1) * U + u] : c0![hb + u];
          const dct = dc[hb + u] + d * o * dact(s.activation, tc);
          dzx[dz + u] = dct * g * dact(s.recurrentActivation, i);
          dzx[dz + U + u] = dct * cprev * dact(s.recurrentActivation, f);
          dzx[dz + 2 * U + u] = dct * i * dact(s.activation, g);
          dzx[dz + 3 * U + u] = d * tc * dact(s.recurrentActivation, o);
          dc[hb + u] = dct * f;
          direct[hb + u] = 0;
        } else {
          const k = row * 4 * U;
          const z = cache![k + u],
            r = cache![k + U + u],
            hh = cache![k + 2 * U + u],
            hzh = cache![k + 3 * U + u];
          const daz = d * (hprev(u) - hh) * dact(s.recurrentActivation, z);
          const dah = d * (1 - z) * dact(s.activation, hh);
          const dar = dah * hzh * dact(s.recurrentActivation, r);
          dzx[dz + u] = daz;
          dzx[dz + U + u] = dar;
          dzx[dz + 2 * U + u] = dah;
          dzh[dz + u] = daz;
          dzh[dz + U + u] = dar;
          dzh[dz + 2 * U + u] = dah * r;
          direct[hb + u] = d * z;
        }
      }
    }
    // dh_prev = dz_h(t) R^T + direct; the rows of step t are T*GU apart
    const dzt: MatView = { data: dzh, offset: t * GU, rowStride: T * GU, colStride: 1 };
    if (recMask) {
      gemm(B, U, GU, dzt, view(R, 0, GU, U, true), dh, 0, U, false);
      for (let i = 0; i < dh.length; i++) dh[i] = direct[i] + dh[i] * recMask[i];
    } else {
      dh.set(direct);
      gemm(B, U, GU, dzt, view(R, 0, GU, U, true), dh, 0, U, true);
    }
  }
  const hprevAll = new Float32Array(BT * U);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      hprevAll.set(t > 0 ? hs.subarray((row - 1) * U, row * U) : h0.subarray(b * U, b * U + U), row * U);
      if (recMask) for (let u = 0; u < U; u++) hprevAll[row * U + u] *= recMask[b * U + u];
    }
  const dW = new Float32Array(F * GU),
    dR = new Float32Array(U * GU),
    dx = new Float32Array(BT * F);
  gemm(F, GU, BT, view(x, 0, F, BT, true), view(dzx, 0, BT, GU, false), dW, 0, GU, false);
  gemm(U, GU, BT, view(hprevAll, 0, U, BT, true), view(dzh, 0, BT, GU, false), dR, 0, GU, false);
  gemm(BT, F, GU, view(dzx, 0, BT, GU, false), view(W, 0, GU, F, true), dx, 0, F, false);
  let db: F32 | null = null;
  if (bias) {
    db = new Float32Array(bias.length);
    for (let r = 0; r < BT; r++)
      for (let j = 0; j < GU; j++) {
        db[j] += dzx[r * GU + j];
        if (s.kind === "gru") db[GU + j] += dzh[r * GU + j];
      }
  }
  return { dx, dW, dR, db, dh0: dh, dc0: s.kind === "lstm" ? dc : null };
}
