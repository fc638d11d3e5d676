/**
 * Classical forecasts to compare a network against, each made at forecast origins t (the first
 * step to predict) from the series before t: persistence (the last value), seasonal naive (the
 * value one period earlier: same hour yesterday, same hour last week), additive Holt-Winters
 * (written here: a few lines of recursion), and seasonal ARIMA (the `arima` package, a port of
 * the C library ctsa, refitted on a trailing stretch before each origin).
 */
import { createRequire } from "node:module";

/** Predictions [origins.length * horizon], row per origin. */
export type Forecasts = Float64Array;

function lastObserved(y: ArrayLike<number>, t: number): number {
  for (let i = t - 1; i >= 0; i--) if (!Number.isNaN(y[i])) return y[i];
  return NaN;
}

export function persistence(y: ArrayLike<number>, origins: ArrayLike<number>, horizon: number): Forecasts {
  const out = new Float64Array(origins.length * horizon);
  for (let o = 0; o < origins.length; o++) out.fill(lastObserved(y, origins[o]), o * horizon, (o + 1) * horizon);
  return out;
}

/** y[t + k - period] (whole periods back until observed); persistence where the series has none. */
export function seasonalNaive(y: ArrayLike<number>, origins: ArrayLike<number>, horizon: number, period: number): Forecasts {
  const out = new Float64Array(origins.length * horizon);
  for (let o = 0; o < origins.length; o++) {
    const t = origins[o];
    for (let k = 0; k < horizon; k++) {
      let i = t + k - period;
      while (i >= t || (i >= 0 && Number.isNaN(y[i]))) i -= period;
      out[o * horizon + k] = i >= 0 ? y[i] : lastObserved(y, t);
    }
  }
  return out;
}

export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
  period: number;
}

/**
 * Additive Holt-Winters: level, trend and a seasonal profile of `period` steps, updated step by
 * step (missing steps advance the state without an update).
 */
export class HoltWinters {
  constructor(readonly params: HoltWintersParams) {}

  /** Runs the recursion over y, calling visit(t, state) before the update at each step t. */
  private run(y: ArrayLike<number>, visit: (t: number, level: number, trend: number, season: Float64Array) => void): void {
    const { alpha, beta, gamma, period } = this.params;
    const season = new Float64Array(period);
    // initial state from the first two periods
    let mean1 = 0,
      mean2 = 0,
      n1 = 0,
      n2 = 0;
    for (let i = 0; i < period; i++) {
      if (!Number.isNaN(y[i])) {
        mean1 += y[i];
        n1++;
      }
      if (!Number.isNaN(y[i + period])) {
        mean2 += y[i + period];
        n2++;
      }
    }
    mean1 /= Math.max(n1, 1);
    mean2 /= Math.max(n2, 1);
    let level = mean1,
      trend = (mean2 - mean1) / period;
    for (let i = 0; i < period; i++) season[i] = Number.isNaN(y[i]) ? 0 : y[i] - mean1;
    for (let t = period; t < y.length; t++) {
      visit(t, level, trend, season);
      const s = season[t % period];
      const v = y[t];
      if (Number.isNaN(v)) {
        level += trend;
        continue;
      }
      const prevLevel = level;
      level = alpha * (v - s) + (1 - alpha) * (level + trend);
      trend = beta * (level - prevLevel) + (1 - beta) * trend;
      season[t % period] = gamma * (v - level) + (1 - gamma) * s;
    }
  }

  /** Sum of squared one-step errors over y. */
  oneStepSse(y: ArrayLike<number>): number {
    let sse = 0;
    this.run(y, (t, level, trend, season) => {
      const v = y[t];
      if (!Number.isNaN(v)) sse += (v - (level + trend + season[t % this.params.period])) ** 2;
    });
    return sse;
  }

  /** Forecasts `horizon` steps from each origin, with the state after y[origin - 1]. */
  forecast(y: ArrayLike<number>, origins: ArrayLike<number>, horizon: number): Forecasts {
    const out = new Float64Array(origins.length * horizon);
    const at = new Map<number, number[]>();
    Array.from(origins).forEach((t, o) => (at.has(t) ? at.get(t)!.push(o) : at.set(t, [o])));
    this.run(y, (t, level, trend, season) => {
      const os = at.get(t);
      if (!os) return;
      for (const o of os) for (let k = 0; k < horizon; k++) out[o * horizon + k] = level + (k + 1) * trend + season[(t + k) % this.params.period];
    });
    return out;
  }

  /** Grid search of alpha, beta, gamma by one-step error on the training series. */
  static fit(y: ArrayLike<number>, period: number): HoltWinters {
    let best: HoltWinters | null = null,
      bestSse = Infinity;
    const grid = [0.02, 0.05, 0.1, 0.2, 0.4, 0.7];
    for (const alpha of grid)
      for (const beta of [0, 0.01, 0.05])
        for (const gamma of grid) {
          const hw = new HoltWinters({ alpha, beta, gamma, period });
          const sse = hw.oneStepSse(y);
          if (sse < bestSse) {
            bestSse = sse;
            best = hw;
          }
        }
    return best!;
  }
}

export interface SarimaOrder {
  p: number;
  d: number;
  q: number;
  P: number;
  D: number;
  Q: number;
  s: number;
}

interface ArimaModel {
  train(ts: number[]): ArimaModel;
  predict(n: number): [number[], number[]];
  destroy?(): void;
}
type ArimaCtor = new (options: Record<string, unknown>) => ArimaModel;

let arimaCtor: ArimaCtor | null = null;
function loadArima(): ArimaCtor {
  // the package is a CommonJS Emscripten module with synchronous WebAssembly compilation
  arimaCtor ??= createRequire(import.meta.url)("arima") as ArimaCtor;
  return arimaCtor;
}

/**
 * Seasonal ARIMA forecasts: at each origin the model is refitted (conditional sum of squares,
 * then maximum likelihood: ctsa's method 1, which converged where exact likelihood diverged on
 * this data) on the `trainSteps` observations before it (gaps filled by persistence), and
 * forecasts `horizon` steps. A fit whose forecast leaves the data's range by far (a diverged
 * optimization) is replaced by the seasonal naive forecast, and counted in `fallbacks`.
 */
export function sarima(
  y: ArrayLike<number>,
  origins: ArrayLike<number>,
  horizon: number,
  order: SarimaOrder,
  trainSteps: number,
): Forecasts & { fallbacks?: number } {
  const ARIMA = loadArima();
  const out: Forecasts & { fallbacks?: number } = new Float64Array(origins.length * horizon);
  out.fallbacks = 0;
  for (let o = 0; o < origins.length; o++) {
    const t = origins[o];
    const start = Math.max(0, t - trainSteps);
    const ts: number[] = [];
    let last = NaN;
    for (let i = start; i < t; i++) {
      const v = Number.isNaN(y[i]) ? last : y[i];
      last = v;
      if (!Number.isNaN(v)) ts.push(v);
    }
    const model = new ARIMA({ ...order, method: 1, verbose: false }).train(ts);
    const [pred] = model.predict(horizon);
    model.destroy?.();
    const lo = Math.min(...ts),
      hi = Math.max(...ts),
      span = hi - lo || 1;
    const sane = pred.length === horizon && pred.every((v) => Number.isFinite(v) && v > lo - span && v < hi + span);
    if (!sane) {
      out.fallbacks++;
      out.set(seasonalNaive(y, [t], horizon, order.s || 24), o * horizon);
      continue;
    }
    for (let k = 0; k < horizon; k++) out[o * horizon + k] = pred[k];
  }
  return out;
}

/** Mean squared and mean absolute error of forecasts against targets (same layout). */
export function errors(pred: ArrayLike<number>, truth: ArrayLike<number>): { mse: number; mae: number } {
  let se = 0,
    ae = 0;
  for (let i = 0; i < truth.length; i++) {
    const e = pred[i] - truth[i];
    se += e * e;
    ae += Math.abs(e);
  }
  return { mse: se / truth.length, mae: ae / truth.length };
}
