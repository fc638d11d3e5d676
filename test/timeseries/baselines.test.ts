import assert from "node:assert/strict";
import { test } from "node:test";
import { errors, HoltWinters, persistence, sarima, seasonalNaive } from "../../src/timeseries/baselines.js";

const daily = Float64Array.from({ length: 24 * 20 }, (_, t) => 100 + 50 * Math.sin((2 * Math.PI * t) / 24));
const origins = [24 * 15, 24 * 15 + 7, 24 * 18];
const truth = origins.flatMap((t) => Array.from(daily.subarray(t, t + 24)));

test("a pure daily sine is forecast exactly by seasonal naive; persistence repeats the last value", () => {
  const sn = seasonalNaive(daily, origins, 24, 24);
  assert.ok(errors(sn, truth).mae < 1e-9);
  const p = persistence(daily, origins, 24);
  assert.equal(p[0], daily[24 * 15 - 1]);
  assert.equal(p[23], daily[24 * 15 - 1]);
  const weekly = seasonalNaive(daily, origins, 24, 168);
  assert.ok(errors(weekly, truth).mae < 1e-9, "168 = 7 days is a multiple of the period too");
});

test("Holt-Winters learns the daily profile; SARIMA forecasts it closely", () => {
  const hw = HoltWinters.fit(daily.subarray(0, 24 * 14), 24);
  assert.ok(errors(hw.forecast(daily, origins, 24), truth).mae < 1, "Holt-Winters within a unit");
  const s = sarima(daily, [24 * 18], 24, { p: 1, d: 0, q: 0, P: 0, D: 1, Q: 0, s: 24 }, 24 * 7);
  assert.ok(errors(s, daily.subarray(24 * 18, 24 * 19)).mae < 1, `SARIMA mae ${errors(s, daily.subarray(24 * 18, 24 * 19)).mae}`);
});

test("gaps: seasonal naive goes back whole periods past a missing value", () => {
  const y = Float64Array.from(daily);
  y[24 * 15 - 24] = NaN;
  const sn = seasonalNaive(y, [24 * 15], 1, 24);
  assert.equal(sn[0], y[24 * 15 - 48]);
});
