/** Outcomes 6 and 7: an LSTM forecast beside classical time-series analysis. */
import { chronologicalSplit, Dense, forecastErrors, HoltWinters, Input, LSTM, Sequential, seasonalNaive, slice, windows } from "../src/index.js";

export async function run(series: number[], epochs = 20) {
  // #region forecast
  const w = windows(series, { history: 24, horizon: 24 });
  const n = w.starts.length;
  const { train } = chronologicalSplit(n, 0.8); // [0, cut): the first 80% of windows in time
  const cut = train[1];
  const [xTrain, yTrain] = [slice(w.inputs, [0, 0, 0], [cut, 24, 1]), slice(w.targets, [0, 0], [cut, 24])];
  const [xVal, yVal] = [slice(w.inputs, [cut, 0, 0], [n - cut, 24, 1]), slice(w.targets, [cut, 0], [n - cut, 24])];
  const model = new Sequential([Input({ shape: [24, 1] }), new LSTM({ units: 16 }), new Dense({ units: 24 })]);
  model.compile({ optimizer: "adam", loss: "mse", metrics: ["mae"] });
  await model.fit(xTrain, yTrain, { epochs, batchSize: 32, validationData: [xVal, yVal], verbose: 0 });
  const lstm = (await model.evaluate(xVal, yVal)).mae;

  // the same validation windows, forecast without a network
  const origins = Array.from(w.starts.subarray(cut), (s) => s + 24);
  const truth = yVal.floats();
  const naive = forecastErrors(seasonalNaive(series, origins, 24, 24), truth).mae;
  const holtWinters = forecastErrors(HoltWinters.fit(series.slice(0, origins[0]), 24).forecast(series, origins, 24), truth).mae;
  // #endregion
  return { lstm, naive, holtWinters };
}
