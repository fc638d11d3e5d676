/** The traffic-forecast recipe's data and models: the I-94 series (or a user's CSV), calendar features, the course's forecasters. */
import { join } from "node:path";
import { dataDir, fetchCached } from "../data/cache.js";
import { Dense } from "../layers/dense.js";
import { Input } from "../layers/input.js";
import { LSTM, SimpleRNN } from "../layers/recurrent.js";
import { Flatten } from "../layers/reshaping.js";
import { Sequential } from "../models/sequential.js";
import { type HourlySeries, loadHourlyCsv } from "../timeseries/hourly.js";
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

export async function loadTrafficSeries(options: RecipeOptions): Promise<{ series: HourlySeries; source: string }> {
  const f = options.flags ?? {};
  if (typeof f.csv === "string") {
    if (typeof f.time !== "string" || typeof f.column !== "string") throw new Error("traffic-forecast: --csv needs --time <column> and --column <column>");
    return { series: loadHourlyCsv(f.csv, { time: f.time, column: f.column, afterLongestGap: f["after-longest-gap"] === true }), source: f.csv };
  }
  await fetchCached(METRO);
  const path = join(dataDir(), METRO.path);
  // stated choices: duplicates by timestamp dropped, the stretch after the 11-month hole (from
  // 2015-06-11 20:00), gaps of up to 3 hours interpolated, longer ones never inside a window
  return { series: loadHourlyCsv(path, { time: "date_time", column: "traffic_volume", afterLongestGap: true }), source: path };
}
