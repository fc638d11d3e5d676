/**
 * A series' frequency from its timestamps: the most common step between distinct times (minutes,
 * hours, days, weeks, or calendar months), checked against every step (a step that is not a whole
 * number of base steps is a break, reported with the two times around it). Each frequency brings
 * its seasons (24 and 168 for hours, 7 and 365 for days, ...), the course-like defaults for
 * history and horizon, and its calendar features.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

export interface Frequency {
  name: string;
  /** A short unit for labels ("h", "d", ...). */
  unit: string;
  /** Seasonal periods in steps, shortest first (may be empty). */
  seasons: number[];
  history: number;
  horizon: number;
  /** The step index of a time (steps since the epoch), and back. */
  slot(time: number): number;
  time(slot: number): number;
  /** Whether a forecast origin at this time starts a season (midnight for hours, Monday for days, ...). */
  seasonStart(time: number): boolean;
  /** Periodic position of each time for calendar features: [position, period] pairs. */
  calendar(time: number): [number, number][];
}

const stamp = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

function fixed(
  step: number,
  name: string,
  unit: string,
  seasons: number[],
  history: number,
  horizon: number,
  calendar: Frequency["calendar"],
  seasonStart: Frequency["seasonStart"],
): Frequency {
  return { name, unit, seasons, history, horizon, slot: (t) => Math.round(t / step), time: (s) => s * step, seasonStart, calendar };
}

const weekday = (t: number) => (new Date(t).getUTCDay() + 6) % 7;
const dayOfYear = (t: number) => Math.floor((t - Date.UTC(new Date(t).getUTCFullYear(), 0, 1)) / DAY);

export const HOURLY = fixed(
  HOUR,
  "hourly",
  "h",
  [24, 168],
  6,
  24,
  (t) => [
    [new Date(t).getUTCHours(), 24],
    [weekday(t), 7],
  ],
  (t) => new Date(t).getUTCHours() === 0,
);

/** The frequency of one step of `step` ms. */
function fixedStep(step: number): Frequency {
  if (step === MINUTE)
    return fixed(
      step,
      "minutely",
      "min",
      [60, 1440],
      60,
      60,
      (t) => [
        [new Date(t).getUTCMinutes(), 60],
        [new Date(t).getUTCHours(), 24],
      ],
      (t) => new Date(t).getUTCMinutes() === 0,
    );
  if (step === HOUR) return HOURLY;
  if (step === DAY)
    return fixed(
      step,
      "daily",
      "d",
      [7, 365],
      14,
      7,
      (t) => [
        [weekday(t), 7],
        [dayOfYear(t), 365.25],
      ],
      (t) => weekday(t) === 0,
    );
  if (step === WEEK)
    return fixed(
      step,
      "weekly",
      "w",
      [52],
      12,
      4,
      (t) => [[dayOfYear(t) / 7, 52.18]],
      () => true,
    );
  // another fixed step: the day's and the week's seasons when it divides them
  const seasons = [DAY, WEEK].filter((p) => p % step === 0 && p / step > 1).map((p) => p / step);
  const label = step % HOUR === 0 ? `${step / HOUR} h` : step % MINUTE === 0 ? `${step / MINUTE} min` : `${step / 1000} s`;
  return fixed(
    step,
    `every ${label}`,
    label,
    seasons,
    seasons[0] ?? 12,
    seasons[0] ?? 12,
    (t) => [[(t % DAY) / DAY, 1]],
    (t) => (seasons.length ? t % DAY === 0 : true),
  );
}

const MONTHLY: Frequency = {
  name: "monthly",
  unit: "mo",
  seasons: [12],
  history: 24,
  horizon: 12,
  slot: (t) => new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth(),
  time: (s) => Date.UTC(Math.floor(s / 12), s % 12, 1),
  seasonStart: (t) => new Date(t).getUTCMonth() === 0,
  calendar: (t) => [[new Date(t).getUTCMonth(), 12]],
};

/** The frequency of sorted timestamps (duplicates allowed), or an error that says where the series breaks. */
export function detectFrequency(times: ArrayLike<number>, who = "detectFrequency"): Frequency {
  const distinct = [...new Set(Array.from(times))].sort((a, b) => a - b);
  if (distinct.length < 3) throw new Error(`${who}: a series needs at least 3 distinct times to have a frequency, got ${distinct.length}`);
  const counts = new Map<number, number>();
  for (let i = 1; i < distinct.length; i++) counts.set(distinct[i] - distinct[i - 1], (counts.get(distinct[i] - distinct[i - 1]) ?? 0) + 1);
  const [mode] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  const monthly = mode >= 28 * DAY && mode <= 31 * DAY;
  const freq = monthly ? MONTHLY : fixedStep(mode);
  for (let i = 1; i < distinct.length; i++) {
    const [a, b] = [distinct[i - 1], distinct[i]];
    const whole = monthly ? freq.time(freq.slot(b)) === b && freq.time(freq.slot(a)) === a : (b - a) % mode === 0;
    if (!whole)
      throw new Error(
        `${who}: the series has no regular frequency: most steps are ${monthly ? "one month" : describe(mode)}, but ${stamp(a)} is followed by ${stamp(b)} (${describe(b - a)} later)`,
      );
  }
  return freq;
}

function describe(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY} day${ms === DAY ? "" : "s"}`;
  if (ms % HOUR === 0) return `${ms / HOUR} hour${ms === HOUR ? "" : "s"}`;
  if (ms % MINUTE === 0) return `${ms / MINUTE} min`;
  return `${ms / 1000} s`;
}

/** Sine and cosine of each calendar position: 2 features per periodic component. */
export function calendarFeatures(times: Float64Array, freq: Frequency): Float32Array[] {
  if (times.length === 0) return [];
  const parts = freq.calendar(times[0]).length;
  const out: Float32Array[] = [];
  for (let p = 0; p < parts; p++) {
    const angle = Float64Array.from(times, (t) => {
      const [pos, period] = freq.calendar(t)[p];
      return (2 * Math.PI * pos) / period;
    });
    out.push(Float32Array.from(angle, Math.sin), Float32Array.from(angle, Math.cos));
  }
  return out;
}
