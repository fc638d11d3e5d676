/**
 * Forecasting as the course compares it, on any regular series: a multi-step forecast from the
 * last steps with Dense(16 relu)+Dense(horizon), SimpleRNN(16)+Dense and LSTM(16)+Dense, MSE loss,
 * MAE metric, batch 32, up to 500 epochs with early stopping on validation loss (best weights
 * restored), 80/20 chronological split; the recurrent models both on the course's (1, history)
 * shape (one step of all features: no recurrence at all) and on the natural (history, 1) shape.
 * Classical baselines are scored on the same validation windows. Used by traffic-forecast and
 * by kerno train --series; a recipe may replace the split, models and compile (ForecastTraining:
 * traffic-forecast --course runs the course's own).
 */
import { join } from "node:path";
import { reshape } from "@kerno/core/ops/shape.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { setSeed } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { EarlyStopping } from "@kerno/core/training/callbacks.js";
import { sliceRows } from "@kerno/core/training/rows.js";
import { errors, HoltWinters, persistence, sarima, seasonalNaive } from "../timeseries/baselines.js";
import { calendarFeatures, type Frequency } from "../timeseries/frequency.js";
import type { HourlySeries } from "../timeseries/hourly.js";
import { MinMaxScaler } from "../timeseries/scalers.js";
import { windows } from "../timeseries/windows.js";
import { saveChart } from "../util/charts.js";
import { writeForecastPlan } from "./forecast-predict.js";
import { type ForecastRow, formatForecastTable } from "./forecast-table.js";
import { baseResult, outputDir, type RecipeOptions, type RecipeResult, runFolder } from "./recipe.js";
import { type ForecastTraining, forecaster, KERNO_TRAINING, type Shape } from "./traffic-data.js";

/** The series as scaled windows, split in time by `split`; the scaler sees the training part only. */
function prepareWindows(series: HourlySeries, history: number, horizon: number, extra: Float32Array[], split: ForecastTraining["split"]) {
  const features = 1 + extra.length;
  const hours = series.values.length;
  const raw = new Float32Array(hours * features);
  for (let t = 0; t < hours; t++) {
    raw[t * features] = series.values[t];
    extra.forEach((c, j) => (raw[t * features + 1 + j] = c[t]));
  }
  const probe = windows(tensor(raw, [hours, features]), { history, horizon });
  const nTrain = split(probe.starts, hours);
  if (!(nTrain >= 1 && nTrain < probe.starts.length)) throw new Error(`forecast: the split leaves ${nTrain} of ${probe.starts.length} windows to train`);
  const trainEnd = probe.starts[nTrain - 1] + history + horizon;
  const scaler = new MinMaxScaler().fit(tensor(series.values.subarray(0, trainEnd)));
  const scale = scaler.scaleOf(),
    offset = scaler.getConfig().offset[0];
  const yNorm = Float32Array.from(series.values, (v) => (v - offset) / scale);
  const scaled = raw.slice();
  for (let t = 0; t < hours; t++) scaled[t * features] = yNorm[t];
  const w = windows(tensor(scaled, [hours, features]), { history, horizon });
  const n = w.starts.length;
  return {
    history,
    horizon,
    features,
    extraFeatures: extra.length,
    nTrain,
    n,
    trainEnd,
    scale,
    offset,
    yNorm,
    xTrain: sliceRows(w.inputs, 0, nTrain),
    yTrain: sliceRows(w.targets, 0, nTrain),
    xVal: sliceRows(w.inputs, nTrain, n - nTrain),
    yVal: sliceRows(w.targets, nTrain, n - nTrain),
    valOrigins: Int32Array.from(w.starts.subarray(nTrain), (st) => st + history),
  };
}
type ForecastData = ReturnType<typeof prepareWindows>;

/** Scores forecasts of every validation window (and of the origins where SARIMA runs). */
function scorer(data: ForecastData, sarimaIdx: number[]) {
  const truth = data.yVal.floats(),
    { horizon, scale } = data;
  const subset = (pred: ArrayLike<number>) => {
    const p: number[] = [],
      t: number[] = [];
    for (const i of sarimaIdx)
      for (let k = 0; k < horizon; k++) {
        p.push(pred[i * horizon + k]);
        t.push(truth[i * horizon + k]);
      }
    return errors(p, t);
  };
  return (name: string, parameters: number, pred: ArrayLike<number>, seconds: number, epochs?: number): ForecastRow => {
    const e = errors(pred, truth);
    return {
      name,
      parameters,
      mse: e.mse,
      mae: e.mae,
      mseVph: e.mse * scale * scale,
      maeVph: e.mae * scale,
      maeVphAtSarimaOrigins: subset(pred).mae * scale,
      seconds,
      epochs,
    };
  };
}

/** The networks, each trained (with early stopping unless `training` says not) and saved into `out`. */
async function trainNetworks(
  data: ForecastData,
  score: ReturnType<typeof scorer>,
  options: RecipeOptions,
  training: ForecastTraining,
  out: string,
  unit: string,
  log: (line: string) => void,
) {
  const f = options.flags ?? {};
  const patience = Number(f.patience ?? 10);
  const rows: ForecastRow[] = [];
  const histories: Record<string, { loss: number[]; val_loss: number[] }> = {};
  const forecasts: Record<string, Float32Array> = {};
  const reshaped = (x: Tensor, shape: Shape) => (shape === "course" ? reshape(x, [x.shape[0], 1, data.history * data.features]) : x);
  for (const [kind, shape] of training.models) {
    const t0 = performance.now();
    const model = forecaster(kind, shape, data.history, data.features, data.horizon);
    model.compile(training.compile);
    const stop = training.earlyStopping ? new EarlyStopping({ monitor: "val_loss", patience, restoreBestWeights: true }) : null;
    const h = await model.fit(reshaped(data.xTrain, shape), data.yTrain, {
      epochs: options.epochs ?? 500,
      batchSize: options.batchSize ?? 32,
      validationData: [reshaped(data.xVal, shape), data.yVal],
      callbacks: [...(stop ? [stop] : []), ...runFolder(options)],
      verbose: 0,
      seed: options.seed,
    });
    const pred = (model.predict(reshaped(data.xVal, shape), { batchSize: 1024 }) as Tensor).floats();
    forecasts[model.name] = pred;
    histories[model.name] = { loss: h.history.loss, val_loss: h.history.val_loss };
    model.save(join(out, `${model.name}.kerno`));
    const res = score(model.name, model.countParams(), pred, (performance.now() - t0) / 1000, h.epoch.length);
    rows.push(res);
    log(
      `  ${model.name}: ${h.epoch.length} epochs (${stop ? `best ${stop.bestEpoch + 1}` : model.optimizer?.className}), validation MSE ${res.mse.toExponential(3)}, MAE ${res.maeVph.toPrecision(4)} ${unit}, ${res.seconds.toFixed(1)} s`,
    );
  }
  return { rows, histories, forecasts };
}

/** Persistence, seasonal naive per season, Holt-Winters and SARIMA (refitted per sampled origin) on the same windows. */
function runBaselines(data: ForecastData, score: ReturnType<typeof scorer>, sarimaIdx: number[], freq: Frequency) {
  const { yNorm, valOrigins, horizon, trainEnd, scale } = data;
  const rows: ForecastRow[] = [];
  const forecasts: Record<string, Float32Array> = {};
  const timed = (name: string, fn: () => ArrayLike<number>) => {
    const t0 = performance.now();
    const pred = fn();
    forecasts[name] = Float32Array.from(pred);
    rows.push(score(name, 0, pred, (performance.now() - t0) / 1000));
  };
  const [season] = freq.seasons;
  timed("persistence", () => persistence(yNorm, valOrigins, horizon));
  for (const s of freq.seasons) timed(`seasonal naive (${s} ${freq.unit})`, () => seasonalNaive(yNorm, valOrigins, horizon, s));
  if (season) timed(`Holt-Winters (${season} ${freq.unit})`, () => HoltWinters.fit(yNorm.subarray(0, trainEnd), season).forecast(yNorm, valOrigins, horizon));
  // SARIMA(1,0,1)(1,1,1)s refitted on the 14 seasons before each sampled origin (ARIMA(1,0,1) without a season)
  const t0 = performance.now();
  const truth = data.yVal.floats();
  const order = season ? { p: 1, d: 0, q: 1, P: 1, D: 1, Q: 1, s: season } : { p: 1, d: 0, q: 1, P: 0, D: 0, Q: 0, s: 0 };
  const sarimaPred = sarima(
    yNorm,
    sarimaIdx.map((i) => valOrigins[i]),
    horizon,
    order,
    14 * (season ?? 24),
  );
  const sarimaTruth = sarimaIdx.flatMap((i) => Array.from(truth.subarray(i * horizon, (i + 1) * horizon)));
  const se = errors(sarimaPred, sarimaTruth);
  const fb = sarimaPred.fallbacks ? `, ${sarimaPred.fallbacks} diverged fits replaced by seasonal naive` : "";
  rows.push({
    name: `${season ? `SARIMA(1,0,1)(1,1,1)${season}` : "ARIMA(1,0,1)"} (${sarimaIdx.length} origins${fb})`,
    parameters: 0,
    mse: se.mse,
    mae: se.mae,
    mseVph: se.mse * scale * scale,
    maeVph: se.mae * scale,
    maeVphAtSarimaOrigins: se.mae * scale,
    seconds: (performance.now() - t0) / 1000,
  });
  return { rows, forecasts };
}

/** The loss curves and three validation periods' forecasts against the truth. */
async function plotForecasts(
  data: ForecastData,
  series: HourlySeries,
  seasonStarts: number[],
  histories: Record<string, { loss: number[]; val_loss: number[] }>,
  forecasts: Record<string, Float32Array>,
  labels: { out: string; png: boolean; unit: string; valueLabel: string },
): Promise<string[]> {
  const { out, png } = labels;
  const { horizon, valOrigins, scale, offset } = data;
  const truth = data.yVal.floats();
  const charts = await saveChart(
    {
      title: "Training and validation loss (MSE, normalized series)",
      xTitle: "epoch",
      yTitle: "MSE",
      logY: true,
      series: Object.entries(histories).flatMap(([name, hh]) => [
        { name: `${name} train`, x: hh.loss.map((_, i) => i + 1), y: hh.loss, dashed: true },
        { name: `${name} validation`, x: hh.val_loss.map((_, i) => i + 1), y: hh.val_loss },
      ]),
    },
    join(out, "loss.svg"),
    { png },
  );
  const days = [0, 1, 2].map((k) => seasonStarts[Math.floor((k * seasonStarts.length) / 3)]).filter((i) => i !== undefined);
  for (const [d, i] of days.entries()) {
    const times = Array.from({ length: horizon }, (_, k) => new Date(series.times[valOrigins[i] + k]).toISOString());
    const vph = (arr: ArrayLike<number>) => Array.from({ length: horizon }, (_, k) => arr[i * horizon + k] * scale + offset);
    charts.push(
      ...(await saveChart(
        {
          title: `${data.horizon}-step (${data.horizon} ${labels.unit}) forecasts from ${times[0].slice(0, 16).replace("T", " ")} (validation)`,
          xTitle: "time",
          yTitle: labels.valueLabel,
          temporal: true,
          series: [{ name: "truth", x: times, y: vph(truth) }, ...Object.entries(forecasts).map(([name, p]) => ({ name, x: times, y: vph(p), dashed: true }))],
        },
        join(out, `forecast-day${d + 1}.svg`),
        { png },
      )),
    );
  }
  return charts;
}

export interface ForecastSetup {
  /** The result's recipe name and the default output folder. */
  name: string;
  series: HourlySeries;
  source: string;
  freq: Frequency;
  /** What the values are, for the table and plots ("veh/h", "vehicles per hour"). */
  unit: string;
  valueLabel: string;
  /** The CSV columns the series came from (written to forecast-plan.json for kerno predict). */
  columns: { time: string; value: string };
  /** Default KERNO_TRAINING. */
  training?: ForecastTraining;
}

/**
 * The course's forecasting comparison on any regular series: windows of --history steps forecast
 * --horizon steps (the frequency's defaults otherwise), Dense vs SimpleRNN vs LSTM beside
 * persistence, seasonal naive, Holt-Winters and SARIMA, on an 80/20 chronological split.
 */
export async function runForecast(setup: ForecastSetup, options: RecipeOptions): Promise<RecipeResult> {
  const started = performance.now();
  const log = options.log ?? console.log;
  const f = options.flags ?? {};
  if (options.seed !== undefined) setSeed(options.seed);
  const { series, source, freq } = setup;
  const r = series.report;
  log(
    `series: ${source}: ${r.rows} rows, ${r.duplicates} duplicate timestamps dropped, ${series.values.length} ${freq.name} steps${r.droppedBefore ? ` from ${r.droppedBefore}` : ""}, ${r.interpolated} interpolated (gaps <= 3 ${freq.unit}), ${r.missing} missing (no window crosses them)`,
  );
  const positive = (name: string, fallback: number) => {
    const v = Number(f[name] ?? fallback);
    if (!(Number.isInteger(v) && v > 0)) throw new Error(`${setup.name}: --${name} must be a positive integer, got '${f[name]}'`);
    return v;
  };
  const extra = f["time-features"] === true ? calendarFeatures(series.times, freq) : [];
  const training = setup.training ?? KERNO_TRAINING;
  const data = prepareWindows(series, positive("history", freq.history), positive("horizon", freq.horizon), extra, training.split);
  log(
    `windows: ${data.n} (history ${data.history} ${freq.unit}${data.extraFeatures ? ` + ${data.extraFeatures} time features` : ""}, horizon ${data.horizon} ${freq.unit}): ${data.nTrain} training, ${data.n - data.nTrain} validation`,
  );
  // SARIMA is refitted per origin: run it at season starts (midnight for hours) spread over the validation period
  const starts = Array.from(data.valOrigins.keys()).filter((i) => freq.seasonStart(series.times[data.valOrigins[i]]));
  const every = Math.max(1, Math.ceil(starts.length / Number(f["sarima-origins"] ?? 60)));
  const sarimaIdx = starts.filter((_, i) => i % every === 0);
  const score = scorer(data, sarimaIdx);
  const out = outputDir(setup.name, options.out);
  const nets = await trainNetworks(data, score, options, training, out, setup.unit, log);
  const plan = { time: setup.columns.time, column: setup.columns.value, history: data.history, horizon: data.horizon, scale: data.scale, offset: data.offset };
  writeForecastPlan(out, { ...plan, timeFeatures: extra.length > 0 });
  const baselines = runBaselines(data, score, sarimaIdx, freq);
  const rows = [...nets.rows, ...baselines.rows];
  log("");
  log(formatForecastTable(rows, setup.unit));
  const labels = { out, png: f.png === true, unit: freq.unit, valueLabel: setup.valueLabel };
  const charts = await plotForecasts(data, series, starts, nets.histories, { ...nets.forecasts, ...baselines.forecasts }, labels);
  log(`plots: ${charts.join(", ")}`);
  const best = [...rows].sort((a, b) => a.mse - b.mse)[0];
  return {
    ...baseResult(setup.name, options.epochs ?? 500, started),
    train: {},
    validation: { mse: best.mse, mae: best.mae },
    modelPath: out,
    source,
    frequency: freq.name,
    history: data.history,
    horizon: data.horizon,
    samples: { train: data.nTrain, validation: data.n - data.nTrain },
    scaleVph: data.scale,
    rows,
    plots: charts,
  };
}
