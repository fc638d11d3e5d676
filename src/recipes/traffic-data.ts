/**
 * The traffic-forecast recipe's data and models: the I-94 series (or a user's CSV), the course's
 * forecasters, and how they are trained: kerno's defaults or, with --course, the course's own.
 */
import { join } from "node:path";
import { Dense } from "@kerno/core/layers/dense.js";
import { Input } from "@kerno/core/layers/input.js";
import { LSTM, SimpleRNN } from "@kerno/core/layers/recurrent.js";
import { Flatten } from "@kerno/core/layers/reshaping.js";
import { Sequential } from "@kerno/core/models/sequential.js";
import type { CompileArgs } from "@kerno/core/training/compile.js";
import { dataDir, fetchCached } from "@kerno/node/data/cache.js";
import { readCsv } from "@kerno/node/data/csv.js";
import { type HourlySeries, loadHourlyCsv, seriesPoints, toHourly } from "../timeseries/hourly.js";
import type { RecipeOptions } from "./recipe.js";

const METRO = {
  path: "metro-interstate-traffic-volume/Metro_Interstate_Traffic_Volume.csv",
  sha256: "3ec6b8844c4e5e20904855c81079a30e4342da20b7010e78606a244e539f29f6",
  urls: [
    "https://raw.githubusercontent.com/CodyTheCoderPrice/Finding-Heavy-Traffic-Indicators-on-I94/71a5b54c34abb30e8e72fa0032d3898e3996e5f3/Metro_Interstate_Traffic_Volume.csv",
  ],
};

export type Shape = "course" | "natural";

export function forecaster(kind: "dense" | "simple_rnn" | "lstm", shape: Shape, history: number, features: number, horizon = 24): Sequential {
  const model = new Sequential([], { name: `${kind}${kind === "dense" ? "" : `_${shape}`}` });
  const [steps, perStep] = shape === "course" ? [1, history * features] : [history, features];
  model.add(Input({ shape: [steps, perStep] }));
  if (kind === "dense") {
    model.add(new Flatten());
    model.add(new Dense({ units: 16, activation: "relu" }));
  } else {
    model.add(kind === "lstm" ? new LSTM({ units: 16 }) : new SimpleRNN({ units: 16 }));
  }
  model.add(new Dense({ units: horizon }));
  return model;
}

/** How runForecast trains the networks: kerno's defaults (KERNO_TRAINING) or the course's (COURSE_TRAINING, --course). */
export interface ForecastTraining {
  /** How many windows, in time order, train (the rest validate), from their first steps and the series length. */
  split: (starts: Int32Array, steps: number) => number;
  models: readonly (readonly [Parameters<typeof forecaster>[0], Shape])[];
  compile: CompileArgs;
  /** Stop on validation loss (--patience, best weights restored); false runs every epoch. */
  earlyStopping: boolean;
}

/** kerno's defaults: five networks (the recurrent ones also on the natural shape), Adam, early stopping, 80% of the windows train. */
export const KERNO_TRAINING: ForecastTraining = {
  split: (starts) => Math.floor(starts.length * 0.8),
  models: [
    ["dense", "course"],
    ["simple_rnn", "course"],
    ["lstm", "course"],
    ["simple_rnn", "natural"],
    ["lstm", "natural"],
  ],
  compile: { optimizer: "adam", loss: "mse", metrics: ["mae"] },
  earlyStopping: true,
};

/** The course's series length ("In total, there are 13,980 hours of data"). */
export const COURSE_HOURS = 13_980;

/**
 * The course's split, `num_train_samples = int(0.8 * len(raw_data))` windows train: its windows
 * start at every hour, so those are the windows starting in the first 80% of the hours (13,980
 * hours: 11,184 of its 13,950 windows, 2,766 validate). Where a gap removes windows, kerno keeps
 * that time boundary rather than the index.
 */
export function courseSplit(starts: Int32Array, steps: number): number {
  const cut = Math.floor(0.8 * steps);
  let n = 0;
  while (n < starts.length && starts[n] < cut) n++;
  return n;
}

/**
 * --course: the course's three models on its (1, 6) shape and its compile, which names no
 * optimizer (so rmsprop, Keras's default and kerno's), every one of the epochs (500 unless
 * --epochs), no early stopping; and its split.
 */
export const COURSE_TRAINING: ForecastTraining = {
  split: courseSplit,
  models: [
    ["dense", "course"],
    ["simple_rnn", "course"],
    ["lstm", "course"],
  ],
  compile: { loss: "mse", metrics: ["mae"] },
  earlyStopping: false,
};

/** Whether --course is on (it takes no value; args.ts reads a following word as its value). */
export function courseFlag(flags: RecipeOptions["flags"]): boolean {
  const c = flags?.course;
  if (c === undefined || c === false) return false;
  if (c === true || c === "true") return true;
  throw new Error(`traffic-forecast: --course takes no value, got '${c}' (write it after the recipe: kerno train traffic-forecast --course)`);
}

/** An hourly CSV, cut with --course to its last 13,980 hours and cleaned again, so the report counts that stretch. */
function loadHours(path: string, time: string, column: string, afterLongestGap: boolean, course: boolean): HourlySeries {
  if (!course) return loadHourlyCsv(path, { time, column, afterLongestGap });
  const points = seriesPoints(readCsv(path).rows, time, column, path, "traffic-forecast");
  const whole = toHourly(points, 3, afterLongestGap);
  if (whole.values.length <= COURSE_HOURS) return whole;
  const from = whole.times[whole.values.length - COURSE_HOURS];
  const kept = toHourly(
    points.filter(([t]) => t >= from),
    3,
    false,
  );
  return { ...kept, report: { ...kept.report, droppedBefore: new Date(from).toISOString().slice(0, 16).replace("T", " ") } };
}

export async function loadTrafficSeries(options: RecipeOptions): Promise<{ series: HourlySeries; source: string }> {
  const f = options.flags ?? {};
  if (typeof f.csv === "string") {
    if (typeof f.time !== "string" || typeof f.column !== "string") throw new Error("traffic-forecast: --csv needs --time <column> and --column <column>");
    return { series: loadHours(f.csv, f.time, f.column, f["after-longest-gap"] === true, courseFlag(f)), source: f.csv };
  }
  await fetchCached(METRO);
  const path = join(dataDir(), METRO.path);
  // stated choices: duplicates by timestamp dropped, the stretch after the 11-month hole (from
  // 2015-06-11 20:00), gaps of up to 3 hours interpolated, longer ones never inside a window
  return { series: loadHours(path, "date_time", "traffic_volume", true, courseFlag(f)), source: path };
}
