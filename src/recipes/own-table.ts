/**
 * kerno train --csv FILE --target COL: a user's table to a trained, evaluated, saved model. The
 * columns are typed and encoded by a plan fitted on the training rows (src/data/table-plan.ts); the
 * task comes from the target (or --task); a Dense network trains with early stopping beside the
 * fitting baselines (linear regression, or logistic regression and the majority class), and all
 * are scored on held-out rows (--test-size, 20%).
 */
import { join } from "node:path";
import { Dense } from "@kerno/core/layers/dense.js";
import { Input } from "@kerno/core/layers/input.js";
import type { Layer } from "@kerno/core/layers/layer.js";
import type { Model } from "@kerno/core/models/model.js";
import { Sequential } from "@kerno/core/models/sequential.js";
import { argmax } from "@kerno/core/ops/reduce.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { generator, setSeed } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { classificationReport, multiclassAuc } from "@kerno/core/training/classification-report.js";
import { EarlyStopping } from "@kerno/core/training/monitor-callbacks.js";
import { Adam } from "@kerno/core/training/optimizers.js";
import { assertColumn, isMissing, readCsv } from "@kerno/node/data/csv.js";
import { encodeFeatures, encodeTarget, fitTablePlan, type TablePlan, type Task } from "@kerno/node/data/table-plan.js";
import { writeAtomic } from "@kerno/node/util/files.js";
import { linearRegression } from "./house-prices.js";
import { saveCurves } from "./image-data.js";
import { classifierReport } from "./own-report.js";
import { baseResult, lastEpoch, outputDir, type RecipeOptions, type RecipeResult, runFolder } from "./recipe.js";

const who = "kerno train --csv";
export const TABLE_PLAN_FILE = "table-plan.json";

/** A Dense network for the plan's task: hidden layers of 64 (none: logistic or linear regression). */
export function tableModel(plan: TablePlan, hidden: number[] = [64, 64]): Sequential {
  const layers: Layer[] = hidden.map((units) => new Dense({ units, activation: "relu" }));
  const k = plan.classes?.length ?? 1;
  layers.push(plan.task === "classification" ? new Dense({ units: k, activation: "softmax" }) : new Dense({ units: 1 }));
  return new Sequential([Input({ shape: [plan.featureNames.length] }), ...layers], { name: hidden.length ? "table_network" : "table_linear" });
}

/** Regression scores in the target's units. */
export function regressionScores(pred: ArrayLike<number>, truth: ArrayLike<number>): { mae: number; rmse: number; r2: number } {
  let abs = 0,
    sq = 0,
    mean = 0;
  for (let i = 0; i < truth.length; i++) mean += truth[i] / truth.length;
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    abs += Math.abs(pred[i] - truth[i]);
    sq += (pred[i] - truth[i]) ** 2;
    total += (truth[i] - mean) ** 2;
  }
  return { mae: abs / truth.length, rmse: Math.sqrt(sq / truth.length), r2: 1 - sq / total };
}

function split(n: number, testFraction: number, seed: number): { train: number[]; validation: number[]; test: number[] } {
  const order = generator(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const nTest = Math.max(1, Math.round(n * testFraction));
  const rest = order.slice(nTest);
  const nVal = Math.max(1, Math.round(rest.length * 0.15));
  return { test: order.slice(0, nTest), validation: rest.slice(0, nVal), train: rest.slice(nVal) };
}

/** Accuracy, macro F1 and AUC; with `log`, the per-class report and confusion matrix are printed too. */
function classScores(probs: Float32Array, labels: Float32Array, plan: TablePlan, name: string, log?: (l: string) => void) {
  const k = plan.classes!.length;
  const predicted = Array.from(argmax(tensor(probs, [labels.length, k])).data());
  const truth = Array.from(labels);
  const report = log ? classifierReport(truth, predicted, plan.classes!, `test rows (${name})`, log) : classificationReport(truth, predicted, plan.classes!);
  return { accuracy: report.accuracy, macroF1: report.macro.f1, auc: multiclassAuc(probs, labels, k), report };
}

export async function trainOwnTable(path: string, options: RecipeOptions): Promise<RecipeResult> {
  const started = performance.now();
  const log = options.log ?? console.log;
  const f = options.flags ?? {};
  const seed = options.seed ?? 1;
  setSeed(seed);
  if (typeof f.target !== "string") throw new Error(`${who}: say which column to predict with --target <column>`);
  const task = f.task === undefined ? undefined : (String(f.task) as Task);
  if (task !== undefined && task !== "classification" && task !== "regression")
    throw new Error(`${who}: --task must be classification or regression, got '${f.task}'`);
  const table = readCsv(path);
  assertColumn(table, f.target, who);
  const target = f.target;
  const usable = table.rows.filter((r) => !isMissing(r[target]));
  if (usable.length < table.rows.length) log(`${table.rows.length - usable.length} rows without a ${target} left out`);
  const testSize = Number(f["test-size"] ?? 0.2);
  if (!(testSize > 0 && testSize < 0.9)) throw new Error(`${who}: --test-size must be between 0 and 0.9, got '${f["test-size"]}'`);
  const parts = split(usable.length, testSize, seed);
  const plan = fitTablePlan({ ...table, rows: usable }, target, parts.train, task);
  const rowsOf = (idx: number[]) => idx.map((i) => usable[i]);
  const encode = (idx: number[]) => {
    // a class that never occurs in the training rows cannot be predicted: those rows are left out
    const rows = rowsOf(idx).filter((r) => plan.task === "regression" || plan.classes!.includes(r[target]));
    const y = encodeTarget(plan, rows);
    const x = encodeFeatures(plan, rows);
    const classification = plan.task === "classification";
    return {
      x: tensor(x, [rows.length, plan.featureNames.length]),
      y: classification ? tensor(Int32Array.from(y), [y.length], "int32") : tensor(y, [y.length, 1]),
      raw: y,
    };
  };
  const train = encode(parts.train),
    validation = encode(parts.validation),
    test = encode(parts.test);
  const dropped = plan.columns.filter((c) => c.kind === "dropped").map((c) => `${c.name} (${c.reason})`);
  const kinds = (k: string) => plan.columns.filter((c) => c.kind === k).length;
  log(
    `${path}: ${table.rows.length} rows; ${target} -> ${plan.task}${plan.classes ? ` (${plan.classes.length} classes)` : ""}; ` +
      `${kinds("numeric")} numeric, ${kinds("categorical")} categorical, ${kinds("date")} date columns -> ${plan.featureNames.length} features` +
      `${dropped.length ? `; dropped ${dropped.join(", ")}` : ""}; ${train.raw.length} training, ${validation.raw.length} validation, ${test.raw.length} test rows`,
  );
  const classification = plan.task === "classification";
  // mean absolute error by default: the course's choice for prices, and robust to a few extreme rows
  const regressionLoss = f.loss === undefined ? "mae" : String(f.loss);
  if (regressionLoss !== "mae" && regressionLoss !== "mse") throw new Error(`${who}: --loss must be mae or mse, got '${f.loss}'`);
  const fitModel = async (model: Sequential, runDir?: string) => {
    model.compile({
      optimizer: new Adam({ learningRate: 1e-3 }),
      loss: classification ? "sparse_categorical_crossentropy" : regressionLoss,
      metrics: classification ? ["accuracy"] : ["mae"],
    });
    const stop = new EarlyStopping({ monitor: "val_loss", patience: Number(f.patience ?? 20), restoreBestWeights: true });
    const history = await model.fit(train.x, train.y, {
      epochs: options.epochs ?? 500,
      batchSize: options.batchSize ?? 32,
      validationData: [validation.x, validation.y],
      callbacks: [stop, ...runFolder({ runDir })],
      verbose: 0,
      seed,
    });
    return { history, bestEpoch: stop.bestEpoch + 1 };
  };
  const network = tableModel(plan);
  const trained = await fitModel(network, options.runDir);
  const predict = (m: Sequential) => (m.predict(test.x, { batchSize: 1024 }) as Tensor).floats();
  const rows: Record<string, unknown>[] = [];
  let baselineName: string;
  if (classification) {
    const logistic = tableModel(plan, []);
    await fitModel(logistic);
    const counts = plan.classes!.map((_, c) => train.raw.filter((v) => v === c).length);
    const majority = counts.indexOf(Math.max(...counts));
    const k = plan.classes!.length;
    const majorityProbs = Float32Array.from({ length: test.raw.length * k }, (_, j) => (j % k === majority ? 1 : 0));
    rows.push({ model: "network", ...classScores(predict(network), test.raw, plan, "network", log) });
    rows.push({ model: "logistic regression", ...classScores(predict(logistic), test.raw, plan, "logistic regression") });
    rows.push({ model: `majority class (${plan.classes![majority]})`, ...classScores(majorityProbs, test.raw, plan, "majority") });
    baselineName = "logistic regression";
    log(
      [
        "model                     accuracy  macro F1     AUC",
        ...rows.map(
          (r) =>
            `${String(r.model).padEnd(24)} ${(r.accuracy as number).toFixed(4).padStart(9)} ${(r.macroF1 as number).toFixed(4).padStart(9)} ${(r.auc as number).toFixed(4).padStart(7)}`,
        ),
      ].join("\n"),
    );
  } else {
    const unscale = (v: ArrayLike<number>) => Array.from(v, (z) => z * plan.targetStd! + plan.targetMean!);
    const truth = unscale(test.raw);
    const linear = linearRegression(train.x, tensor(train.raw, [train.raw.length]));
    rows.push({ model: "network", ...regressionScores(unscale(predict(network)), truth) });
    rows.push({ model: "linear regression", ...regressionScores(unscale(linear(test.x)), truth) });
    baselineName = "linear regression";
    const fmt = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(4));
    log(
      [
        "model                      MAE          RMSE        R2",
        ...rows.map(
          (r) =>
            `${String(r.model).padEnd(18)} ${fmt(r.mae as number).padStart(12)} ${fmt(r.rmse as number).padStart(12)} ${(r.r2 as number).toFixed(4).padStart(9)}`,
        ),
      ].join("\n"),
    );
  }
  const better = classification ? (rows[0].accuracy as number) > (rows[1].accuracy as number) : (rows[0].mae as number) < (rows[1].mae as number);
  log(`the network ${better ? "beats" : "does not beat"} ${baselineName} on the test rows`);
  const out = outputDir("csv", options.out);
  const modelPath = join(out, "table-model.kerno");
  if (classification) network.classNames = plan.classes!;
  network.save(modelPath);
  writeAtomic(join(out, TABLE_PLAN_FILE), `${JSON.stringify(plan, null, 1)}\n`);
  const plots = await saveCurves(trained.history.history, out, `${target} from ${path}`, f.png === true);
  const result: RecipeResult = {
    ...baseResult("csv", trained.history.epoch.length, started),
    ...lastEpoch(trained.history.history),
    test: classification ? { accuracy: rows[0].accuracy as number } : { mae: rows[0].mae as number },
    task: plan.task,
    target,
    modelPath,
    bestEpoch: trained.bestEpoch,
    rows,
    networkBeatsBaseline: better,
    features: plan.featureNames.length,
    droppedColumns: dropped,
    samples: { train: train.raw.length, validation: validation.raw.length, test: test.raw.length },
    plots,
  };
  writeAtomic(join(out, "report.json"), `${JSON.stringify(result, null, 1)}\n`);
  return result;
}

/** Predictions for table rows (the target column may be absent): a class and its probability, or a value in the target's units. */
export function predictRows(model: Model, plan: TablePlan, rows: Record<string, string>[]): { prediction: string | number; probability?: number }[] {
  const missing = plan.columns.filter((c) => c.kind !== "dropped" && rows.length > 0 && !(c.name in rows[0])).map((c) => c.name);
  if (missing.length) throw new Error(`kerno predict: the rows lack column(s) the model was trained on: ${missing.join(", ")}`);
  const x = tensor(encodeFeatures(plan, rows), [rows.length, plan.featureNames.length]);
  const out = (model.predict(x, { batchSize: 1024 }) as Tensor).floats();
  if (plan.task === "regression") return rows.map((_, i) => ({ prediction: out[i] * plan.targetStd! + plan.targetMean! }));
  const k = plan.classes!.length;
  const best = argmax(tensor(out, [rows.length, k])).data();
  return rows.map((_, i) => ({ prediction: plan.classes![best[i]], probability: out[i * k + best[i]] }));
}
