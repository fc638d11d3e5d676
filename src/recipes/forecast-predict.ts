/**
 * Forecasting from a saved series model (kerno predict <model> <series.csv>): the forecasting run
 * writes forecast-plan.json beside its models (the columns, history, horizon, scaling and time
 * features); a new CSV's last `history` steps are scaled the same way and the next `horizon`
 * steps are forecast, with their times.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Model } from "@kerno/core/models/model.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { readCsv } from "@kerno/node/data/csv.js";
import { writeAtomic } from "@kerno/node/util/files.js";
import { calendarFeatures, detectFrequency } from "../timeseries/frequency.js";
import { seriesPoints } from "../timeseries/hourly.js";

export const FORECAST_PLAN_FILE = "forecast-plan.json";

export interface ForecastPlan {
  time: string;
  column: string;
  history: number;
  horizon: number;
  /** value = scaled * scale + offset (the training part's min-max scaling). */
  scale: number;
  offset: number;
  timeFeatures: boolean;
}

export function writeForecastPlan(out: string, plan: ForecastPlan): void {
  writeAtomic(join(out, FORECAST_PLAN_FILE), `${JSON.stringify(plan, null, 1)}\n`);
}

export function forecastPlanBeside(modelFile: string): ForecastPlan | null {
  const path = join(dirname(modelFile), FORECAST_PLAN_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as ForecastPlan) : null;
}

/** The next `horizon` values after the CSV's last `history` steps, with their times (ISO). */
export function forecastFromCsv(model: Model, plan: ForecastPlan, csv: string): { time: string; value: number }[] {
  const who = "kerno predict";
  const points = seriesPoints(readCsv(csv).rows, plan.time, plan.column, csv, who)
    .filter(([, v]) => Number.isFinite(v))
    .sort((a, b) => a[0] - b[0]);
  if (points.length < plan.history) throw new Error(`${who}: the model forecasts from the last ${plan.history} steps; ${csv} has ${points.length} usable rows`);
  const freq = detectFrequency(
    points.map((p) => p[0]),
    who,
  );
  const tail = points.slice(-plan.history);
  const slots = tail.map(([t]) => freq.slot(t));
  if (slots.some((s, i) => i > 0 && s !== slots[i - 1] + 1))
    throw new Error(`${who}: the last ${plan.history} rows of ${csv} are not consecutive ${freq.name} steps`);
  const extra = plan.timeFeatures
    ? calendarFeatures(
        Float64Array.from(tail, ([t]) => t),
        freq,
      )
    : [];
  const features = 1 + extra.length;
  const x = new Float32Array(plan.history * features);
  tail.forEach(([, v], i) => {
    x[i * features] = (v - plan.offset) / plan.scale;
    extra.forEach((col, j) => (x[i * features + 1 + j] = col[i]));
  });
  // the course's shape [1, history * features] or the natural [history, features]
  const shape = (model.inputs[0].shape[1] === 1 ? [1, 1, plan.history * features] : [1, plan.history, features]) as number[];
  const y = (model.predict(tensor(x, shape)) as Tensor).floats();
  const last = slots[slots.length - 1];
  return Array.from(y, (v, k) => ({
    time: new Date(freq.time(last + k + 1)).toISOString().slice(0, 16).replace("T", " "),
    value: v * plan.scale + plan.offset,
  }));
}
