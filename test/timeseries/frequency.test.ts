import assert from "node:assert/strict";
import { test } from "node:test";
import { calendarFeatures, detectFrequency, HOURLY } from "../../src/timeseries/frequency.js";
import { toRegular } from "../../src/timeseries/hourly.js";

const H = 3_600_000,
  D = 24 * H;
const t0 = Date.UTC(2024, 0, 1);

test("the frequency is the most common step; gaps and duplicates do not change it", () => {
  const hourly = [0, 1, 1, 2, 5, 6, 7].map((h) => t0 + h * H);
  assert.equal(detectFrequency(hourly), HOURLY);
  const daily = detectFrequency(Array.from({ length: 30 }, (_, d) => t0 + d * D));
  assert.deepEqual([daily.name, daily.seasons, daily.history, daily.horizon], ["daily", [7, 365], 14, 7]);
  const monthly = detectFrequency(Array.from({ length: 30 }, (_, m) => Date.UTC(2020, m, 1)));
  assert.deepEqual([monthly.name, monthly.seasons], ["monthly", [12]]);
  const quarter = detectFrequency(Array.from({ length: 30 }, (_, i) => t0 + i * 15 * 60_000));
  assert.deepEqual([quarter.name, quarter.seasons], ["every 15 min", [96, 672]]);
});

test("a step that is not a whole number of steps is an error naming the two times", () => {
  const times = [0, 1, 2, 3].map((h) => t0 + h * H);
  times.push(t0 + 3 * H + 37 * 60_000);
  assert.throws(
    () => detectFrequency(times, "kerno train --series"),
    /kerno train --series: the series has no regular frequency: most steps are 1 hour, but 2024-01-01 03:00 is followed by 2024-01-01 03:37 \(37 min later\)/,
  );
  assert.throws(() => detectFrequency([t0, t0 + H]), /at least 3 distinct times/);
});

test("series on a monthly grid: a missing month is a gap, calendar features are the month's sine and cosine", () => {
  const points: [number, number][] = [0, 1, 2, 4, 5].map((m) => [Date.UTC(2021, m, 1), m * 10]);
  const freq = detectFrequency(points.map((p) => p[0]));
  const s = toRegular(points, freq, 3, false);
  assert.deepEqual(Array.from(s.values), [0, 10, 20, 30, 40, 50]);
  assert.equal(s.report.interpolated, 1);
  assert.equal(new Date(s.times[3]).toISOString().slice(0, 10), "2021-04-01");
  const [sin, cos] = calendarFeatures(s.times, freq);
  assert.ok(Math.abs(sin[3] - Math.sin((2 * Math.PI * 3) / 12)) < 1e-6 && Math.abs(cos[0] - 1) < 1e-6);
});
