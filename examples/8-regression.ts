/** Outcome 8: regression on house prices, against the mean absolute error of a linear model. */
import { Adam, Dense, EarlyStopping, Input, readCsv, Sequential, StandardScaler, tableToTensors } from "../src/index.js";

export async function run(csv: string, target: string, epochs = 200) {
  // #region regression
  const { x, y } = tableToTensors(readCsv(csv), { target, categorical: "drop", exclude: ["Id"] });
  const scaled = new StandardScaler().fit(x).transform(x);
  const model = new Sequential([
    Input({ shape: [x.shape[1]] }),
    new Dense({ units: 64, activation: "relu" }),
    new Dense({ units: 64, activation: "relu" }),
    new Dense({ units: 1 }),
  ]);
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: "mae" });
  const stop = new EarlyStopping({ monitor: "val_loss", patience: 50, restoreBestWeights: true });
  const history = await model.fit(scaled, y, { epochs, validationSplit: 0.1, callbacks: [stop], verbose: 0 });
  // #endregion
  return history;
}
