/**
 * traffic-forecast: the course's experiment on real hourly traffic (the I-94 volume, or --csv with
 * --time and --column): 24-hour forecasts from the last 6 hours, networks beside classical
 * baselines (src/recipes/forecast.ts does the work).
 */
import { HOURLY } from "../timeseries/frequency.js";
import { runForecast } from "./forecast.js";
import { type ForecastRow, formatForecastTable } from "./forecast-table.js";
import type { Recipe, RecipeOptions, RecipeResult } from "./recipe.js";
import { forecaster, loadTrafficSeries } from "./traffic-data.js";

export { type ForecastRow, formatForecastTable, loadTrafficSeries };

async function runTraffic(options: RecipeOptions): Promise<RecipeResult> {
  const { series, source } = await loadTrafficSeries(options);
  const f = options.flags ?? {};
  const columns = typeof f.csv === "string" ? { time: String(f.time), value: String(f.column) } : { time: "date_time", value: "traffic_volume" };
  return runForecast({ name: "traffic-forecast", series, source, freq: HOURLY, unit: "veh/h", valueLabel: "vehicles per hour", columns }, options);
}

export const trafficForecast: Recipe = {
  name: "traffic-forecast",
  description: "24-hour traffic forecasts from the last 6 hours: Dense vs SimpleRNN vs LSTM vs classical baselines (I-94 hourly volume)",
  model: () => forecaster("lstm", "natural", 6, 1),
  run: runTraffic,
};
