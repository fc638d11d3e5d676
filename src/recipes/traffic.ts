/**
 * traffic-forecast: the course's experiment on real hourly traffic (the I-94 volume, or --csv with
 * --time and --column): 24-hour forecasts from the last 6 hours, networks beside classical
 * baselines (src/recipes/forecast.ts does the work). The I-94 series stands in for the course's
 * freeway sensor, whose data is not available; --course runs the course's own setup on it.
 */
import { HOURLY } from "../timeseries/frequency.js";
import { runForecast } from "./forecast.js";
import { type ForecastRow, formatForecastTable } from "./forecast-table.js";
import type { Recipe, RecipeOptions, RecipeResult } from "./recipe.js";
import { COURSE_HOURS, COURSE_TRAINING, courseFlag, forecaster, loadTrafficSeries } from "./traffic-data.js";

export { type ForecastRow, formatForecastTable, loadTrafficSeries };

async function runTraffic(options: RecipeOptions): Promise<RecipeResult> {
  const f = options.flags ?? {};
  const course = courseFlag(f);
  const { series, source } = await loadTrafficSeries(options);
  const columns = typeof f.csv === "string" ? { time: String(f.time), value: String(f.column) } : { time: "date_time", value: "traffic_volume" };
  if (course) {
    (options.log ?? console.log)(
      `--course: the course's setup: ${series.values.length} hours (at most the last ${COURSE_HOURS}), windows starting in their first 80% train, Dense/SimpleRNN/LSTM(16) on the course's (1, history) shape, compile(loss="mse", metrics=["mae"]) (so rmsprop), ${options.epochs ?? 500} epochs, no early stopping`,
    );
  }
  const setup = { name: "traffic-forecast", series, source, freq: HOURLY, unit: "veh/h", valueLabel: "vehicles per hour", columns };
  const result = await runForecast(course ? { ...setup, training: COURSE_TRAINING } : setup, options);
  return { ...result, setup: course ? "course" : "kerno" };
}

export const trafficForecast: Recipe = {
  name: "traffic-forecast",
  description:
    "24-hour traffic forecasts from the last 6 hours: Dense vs SimpleRNN vs LSTM vs classical baselines (I-94 hourly volume; --course: the course's setup)",
  model: () => forecaster("lstm", "natural", 6, 1),
  run: runTraffic,
};
