/**
 * house-prices: neural-network regression on the Ames house prices, as the course set it up:
 * numeric columns only, rows with missing values dropped (about 1,000 training and 121 dev rows),
 * shuffled with a seed. The network (Dense 64-64-1, linear output) trains on standardized inputs
 * with MAE or MSE loss and early stopping on the dev MAE; the dev MAE in dollars is reported per
 * epoch and at the end, beside a least-squares linear regression on the same features.
 */
import { join } from "node:path";
import { Dense } from "@kerno/core/layers/dense.js";
import { Input } from "@kerno/core/layers/input.js";
import { Sequential } from "@kerno/core/models/sequential.js";
import { gather } from "@kerno/core/ops/shape.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { generator, setSeed } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { EarlyStopping } from "@kerno/core/training/callbacks.js";
import { Adam } from "@kerno/core/training/optimizers.js";
import { dataDir, fetchCached } from "@kerno/node/data/cache.js";
import { readCsv, tableToTensors } from "@kerno/node/data/csv.js";
import { StandardScaler } from "../timeseries/scalers.js";
import { saveChart } from "../util/charts.js";
import { baseResult, outputDir, type Recipe, type RecipeOptions, type RecipeResult, runFolder } from "./recipe.js";

const AMES = {
  path: "house-prices/train.csv",
  sha256: "1e18addf81e5e4d347cc17ee6075bbe4a42b7fa26b9e5b063e8f692a5f929d41",
  urls: [
    "https://raw.githubusercontent.com/GordonTse0922/HousePriceCompetition/8cedbeb1db7d1042dd4c08c380bb4716d0486cbf/house-prices-advanced-regression-techniques/train.csv",
  ],
};

export function houseModel(features: number): Sequential {
  return new Sequential(
    [Input({ shape: [features] }), new Dense({ units: 64, activation: "relu" }), new Dense({ units: 64, activation: "relu" }), new Dense({ units: 1 })],
    { name: "house_prices" },
  );
}

/** Least squares with an intercept (normal equations, a tiny ridge for stability). */
export function linearRegression(x: Tensor, y: Tensor, ridge = 1e-6): (x: Tensor) => Float64Array {
  const [n, d] = x.shape;
  const k = d + 1;
  const xtx = new Float64Array(k * k),
    xty = new Float64Array(k);
  const xv = x.data(),
    yv = y.data();
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    row[0] = 1;
    for (let j = 0; j < d; j++) row[j + 1] = xv[i * d + j];
    for (let a = 0; a < k; a++) {
      xty[a] += row[a] * yv[i];
      for (let b = 0; b < k; b++) xtx[a * k + b] += row[a] * row[b];
    }
  }
  for (let a = 1; a < k; a++) xtx[a * k + a] += ridge * n;
  // Gaussian elimination with partial pivoting
  const m = xtx,
    w = xty;
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * k + c]) > Math.abs(m[p * k + c])) p = r;
    if (p !== c) {
      for (let j = 0; j < k; j++) [m[c * k + j], m[p * k + j]] = [m[p * k + j], m[c * k + j]];
      [w[c], w[p]] = [w[p], w[c]];
    }
    for (let r = c + 1; r < k; r++) {
      const f = m[r * k + c] / m[c * k + c];
      for (let j = c; j < k; j++) m[r * k + j] -= f * m[c * k + j];
      w[r] -= f * w[c];
    }
  }
  const beta = new Float64Array(k);
  for (let c = k - 1; c >= 0; c--) {
    let s = w[c];
    for (let j = c + 1; j < k; j++) s -= m[c * k + j] * beta[j];
    beta[c] = s / m[c * k + c];
  }
  return (xs) => {
    const [rows, cols] = xs.shape;
    const v = xs.data();
    return Float64Array.from({ length: rows }, (_, i) => {
      let s = beta[0];
      for (let j = 0; j < cols; j++) s += beta[j + 1] * v[i * cols + j];
      return s;
    });
  };
}

function mae(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += Math.abs(pred[i] - truth[i]);
  return s / truth.length;
}

async function runHousePrices(options: RecipeOptions): Promise<RecipeResult> {
  const started = performance.now();
  const log = options.log ?? console.log;
  const f = options.flags ?? {};
  const seed = options.seed ?? 42;
  setSeed(seed);
  let path: string, target: string;
  if (typeof f.csv === "string") {
    if (typeof f.target !== "string") throw new Error("house-prices: --csv needs --target <column>");
    path = f.csv;
    target = f.target;
  } else {
    await fetchCached(AMES);
    path = join(dataDir(), AMES.path);
    target = "SalePrice";
  }
  const table = readCsv(path);
  // the course's setup: numeric columns only (no identifiers), rows with missing values dropped
  const data = tableToTensors(table, { target, categorical: "drop", exclude: ["Id", "id", "ID"] });
  const n = data.y.size;
  const order = generator(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const devSize = Number(f["dev-size"] ?? Math.round(n * 0.108));
  const trainIdx = order.slice(0, n - devSize),
    devIdx = order.slice(n - devSize);
  log(
    `${path}: ${table.rows.length} rows, ${data.featureNames.length} numeric features, ${data.dropped} rows with missing values dropped: ${trainIdx.length} training, ${devIdx.length} dev`,
  );
  const scaler = new StandardScaler().fit(gather(data.x, trainIdx, 0));
  const xTrain = scaler.transform(gather(data.x, trainIdx, 0)),
    xDev = scaler.transform(gather(data.x, devIdx, 0));
  const priceTrain = gather(data.y, trainIdx, 0),
    priceDev = gather(data.y, devIdx, 0);
  const logTarget = f["log-target"] === true;
  // the network fits standardized prices (or log prices), statistics from the training rows
  const raw = (v: number) => (logTarget ? Math.log(v) : v);
  const trainRaw = Array.from(priceTrain.data(), raw);
  const mean = trainRaw.reduce((a, b) => a + b, 0) / trainRaw.length;
  const std = Math.sqrt(trainRaw.reduce((a, b) => a + (b - mean) ** 2, 0) / trainRaw.length) || 1;
  const encode = (p: Tensor) =>
    tensor(
      Float32Array.from(p.data(), (v) => (raw(v) - mean) / std),
      [p.size, 1],
    );
  const decode = (v: number) => (logTarget ? Math.exp(v * std + mean) : v * std + mean);
  const lossName = f.loss === "mse" ? "mse" : "mae";
  const model = houseModel(data.featureNames.length);
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: lossName });
  const devMaePerEpoch: number[] = [];
  const devDollars = (m: Sequential) => {
    const pred = (m.predict(xDev, { batchSize: 512 }) as Tensor).data();
    return mae(Array.from(pred, decode), priceDev.data());
  };
  const verbose = options.verbose ?? 1;
  const stop = new EarlyStopping({ monitor: "val_dev_mae", mode: "min", patience: Number(f.patience ?? 50), restoreBestWeights: true });
  const history = await model.fit(xTrain, encode(priceTrain), {
    epochs: options.epochs ?? 1000,
    batchSize: options.batchSize ?? 32,
    validationData: [xDev, encode(priceDev)],
    verbose: 0,
    seed,
    callbacks: [
      {
        onEpochEnd: (epoch, logs) => {
          logs.val_dev_mae = devDollars(model);
          devMaePerEpoch.push(logs.val_dev_mae);
          if (verbose > 0 && (epoch < 10 || (epoch + 1) % 25 === 0))
            log(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)} - dev MAE $${Math.round(logs.val_dev_mae).toLocaleString("en-US")}`);
        },
      },
      stop,
      ...runFolder(options),
    ],
  });
  const networkMae = devDollars(model);
  const linear = linearRegression(xTrain, encode(priceTrain));
  const baselineMae = mae(Array.from(linear(xDev), decode), priceDev.data());
  log(`stopped after ${history.epoch.length} epochs (best ${stop.bestEpoch + 1})`);
  log(
    `dev MAE: network $${Math.round(networkMae).toLocaleString("en-US")}, linear regression $${Math.round(baselineMae).toLocaleString("en-US")} (the course: about $30,000)`,
  );
  const out = outputDir("house-prices", options.out);
  const modelPath = join(out, "house-prices.kerno");
  await model.save(modelPath);
  const plots = await saveChart(
    {
      title: "Dev-set mean absolute error per epoch",
      xTitle: "epoch",
      yTitle: "dev MAE (dollars)",
      series: [
        { name: "network", x: devMaePerEpoch.map((_, i) => i + 1), y: devMaePerEpoch },
        { name: "linear regression", x: [1, devMaePerEpoch.length], y: [baselineMae, baselineMae], dashed: true },
      ],
    },
    join(out, "dev-mae.svg"),
  );
  return {
    ...baseResult("house-prices", history.epoch.length, started),
    train: { loss: history.history.loss[stop.bestEpoch] ?? NaN },
    validation: { maeDollars: networkMae },
    modelPath,
    devMaeDollars: { network: networkMae, linearRegression: baselineMae },
    devMaePerEpoch,
    rows: { train: trainIdx.length, dev: devIdx.length },
    features: data.featureNames.length,
    loss: lossName,
    logTarget,
    plots,
  };
}

export const housePrices: Recipe = {
  name: "house-prices",
  description: "Ames house prices: a Dense regression network vs linear regression (the course: dev MAE about $30,000)",
  model: () => houseModel(36),
  run: runHousePrices,
};
