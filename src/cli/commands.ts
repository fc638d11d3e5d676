/** kerno train, summary, evaluate, predict and plot-model. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { getBackend, setBackend } from "@kerno/core/backends/registry.js";
import { type DTypePolicyName, mixedPrecision } from "@kerno/core/layers/dtype-policy.js";
import type { Model } from "@kerno/core/models/model.js";
import { div } from "@kerno/core/ops/arithmetic.js";
import { reshape } from "@kerno/core/ops/shape.js";
import { NotCachedError } from "@kerno/node/data/cache.js";
import { readCsv } from "@kerno/node/data/csv.js";
import { fashionMnist, mnist } from "@kerno/node/data/mnist.js";
import type { TablePlan } from "@kerno/node/data/table-plan.js";
import { initDistributed } from "@kerno/node/distributed/mpi.js";
import { saveKeras } from "@kerno/node/interop/keras-save.js";
import { loadModel } from "@kerno/node/interop/load-model.js";
import { exportOnnx } from "@kerno/node/interop/onnx-export.js";
import { plotModel } from "@kerno/node/interop/plot-model.js";
import { MobileNetV2, ResNet50, TinyDarknet, VGG16, VGG19 } from "../applications/index.js";
import { forecastFromCsv, forecastPlanBeside } from "../recipes/forecast-predict.js";
import { getRecipe, RECIPES } from "../recipes/index.js";
import { trainOwnImages } from "../recipes/own-images.js";
import { trainOwnSeries } from "../recipes/own-series.js";
import { predictRows, TABLE_PLAN_FILE, trainOwnTable } from "../recipes/own-table.js";
import type { RecipeOptions, RecipeResult } from "../recipes/recipe.js";
import { endRun, runsRoot, startRun } from "../runs/runs.js";
import { type Flags, intFlag, parse } from "./args.js";
import { inputImages, inputScale } from "./images.js";

function applyBackend(flags: Flags): void {
  if (typeof flags.backend === "string") setBackend(flags.backend);
}

type WeightsChoice = "imagenet" | null | string;

/** The ImageNet architectures by name, built with the weights asked for. */
const APPLICATIONS: Record<string, (weights: WeightsChoice, download: boolean) => Promise<Model>> = {
  vgg16: (weights, download) => VGG16({ weights, download }),
  vgg19: (weights, download) => VGG19({ weights, download }),
  resnet50: (weights, download) => ResNet50({ weights, download }),
  mobilenetv2: (weights, download) => MobileNetV2({ weights, download }),
  // Tiny Darknet's trained weights come with the model.json it is read from (the data folder's)
  "tiny-darknet": () => TinyDarknet(),
};

export interface ModelFromOptions {
  /** Whether the command uses the weights (interpret, attack, export) or only the architecture (summary, plot-model). */
  needsWeights?: boolean;
  /** --weights: imagenet (downloaded when missing), random, or a Keras .h5 file; default ImageNet's when cached, else random, said loudly. */
  weights?: string | boolean;
  warn?: (line: string) => void;
}

/** A recipe's untrained model, an ImageNet architecture, or a saved model file. */
export async function modelFrom(spec: string | undefined, who: string, options: ModelFromOptions = {}): Promise<Model> {
  const known = [...Object.keys(RECIPES), ...Object.keys(APPLICATIONS)].join(", ");
  if (!spec) throw new Error(`${who}: name a recipe or architecture (${known}) or a saved model file`);
  const warn = options.warn ?? ((line: string) => console.error(line));
  const { needsWeights = false, weights } = options;
  if (weights !== undefined && (typeof weights !== "string" || !APPLICATIONS[spec] || spec === "tiny-darknet"))
    throw new Error(
      `${who}: --weights imagenet|random|FILE applies to the architectures ${Object.keys(APPLICATIONS).slice(0, -1).join(", ")}, not to '${spec}'`,
    );
  if (RECIPES[spec]) {
    if (needsWeights)
      warn(
        `${who}: WARNING: '${spec}' names a recipe's untrained network: its weights are random. Train it (kerno train ${spec}) and pass the saved .kerno file.`,
      );
    return await RECIPES[spec].model();
  }
  const build = APPLICATIONS[spec];
  if (build) {
    if (!needsWeights) return build(null, false);
    if (weights !== undefined) return build(weights === "random" ? null : weights, true);
    try {
      return await build("imagenet", false);
    } catch (err) {
      if (!(err instanceof NotCachedError)) throw err;
      warn(
        `${who}: WARNING: ${spec} has RANDOM weights: ImageNet's are not in the data cache (${err.local}), so what it shows means nothing.\n` +
          `  Get them with --weights imagenet where the internet is reachable (downloads ${err.url} once), or put that file at ${err.local}.`,
      );
      return build(null, false);
    }
  }
  if (existsSync(spec)) return loadModel(spec);
  throw new Error(`${who}: '${spec}' is neither a recipe or architecture (${known}) nor a model file`);
}

/** kerno train --images DIR, --csv FILE or --series FILE: the run for the user's own data, if any. */
function ownDataRun(flags: Flags): ((options: RecipeOptions) => Promise<RecipeResult>) | null {
  if (typeof flags.images === "string") {
    const dir = flags.images;
    return (options) => trainOwnImages(dir, options);
  }
  if (typeof flags.csv === "string") {
    const file = flags.csv;
    return (options) => trainOwnTable(file, options);
  }
  if (typeof flags.series === "string") {
    const file = flags.series;
    return (options) => trainOwnSeries(file, options);
  }
  return null;
}

export async function train(argv: string[]): Promise<number> {
  const { positionals, flags } = parse("train", argv);
  const [name] = positionals;
  applyBackend(flags);
  // --dtype-policy mixed_bfloat16: the recipe's layers compute their products in bfloat16
  if (flags["dtype-policy"] !== undefined) mixedPrecision.setGlobalPolicy(String(flags["dtype-policy"]) as DTypePolicyName);
  const json = flags.json === true;
  const verbose = intFlag(flags, "verbose");
  const options = {
    epochs: intFlag(flags, "epochs"),
    batchSize: intFlag(flags, "batch-size"),
    seed: intFlag(flags, "seed"),
    out: typeof flags.out === "string" ? flags.out : undefined,
    verbose: (verbose ?? 1) as 0 | 1 | 2,
    flags,
  };
  // no recipe: the user's own data
  const own = name ? null : ownDataRun(flags);
  if (!name && !own)
    throw new Error(
      `kerno train: name a recipe (${Object.keys(RECIPES).join(", ")}) or give --images DIR, --csv FILE --target COL or --series FILE --column COL`,
    );
  const run = own ?? getRecipe(name).run;
  const runName = name ?? (flags.images ? "images" : flags.csv ? "csv" : "series");
  if (flags.distributed === true) {
    if (own || !getRecipe(name).distributed)
      throw new Error(
        `kerno train: --distributed works with ${Object.values(RECIPES)
          .filter((r) => r.distributed)
          .map((r) => r.name)
          .join(", ")} (not ${runName})`,
      );
    const { rank, size } = initDistributed();
    // rank 0 writes the run folder, the model and the output; the other ranks only train
    if (rank !== 0) {
      await run({ ...options, verbose: 0, out: undefined, distributed: true });
      return 0;
    }
    if (options.verbose > 0) console.log(`data-parallel training: ${size} ranks, batch ${options.batchSize ?? "default"} per rank`);
  }
  const runDir = startRun(runsRoot(typeof flags.runs === "string" ? flags.runs : undefined), runName, {
    command: ["kerno", "train", ...argv],
    options: { epochs: options.epochs, batchSize: options.batchSize, seed: options.seed, flags },
    backend: getBackend(),
  });
  if (options.verbose > 0) console.log(`run folder: ${runDir}`);
  try {
    const result = await run({ ...options, runDir, out: options.out ?? runDir, distributed: flags.distributed === true });
    endRun(runDir, { report: result });
    // the process's own peak resident set (kernel's ru_maxrss), for tools that spawn it (the bench)
    if (json) console.log(JSON.stringify({ ...result, runDir, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
  } catch (err) {
    endRun(runDir, { error: err as Error });
    throw err;
  }
  return 0;
}

/** kerno export <model> <out.onnx|out.keras>: the model as ONNX for serving engines, or as Keras 3's archive. */
export async function exportCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parse("export", argv);
  const [spec, out] = positionals;
  if (!spec || !out)
    throw new Error("kerno export: usage: kerno export <model file|recipe|architecture> <out.onnx|out.keras> [--weights imagenet|random|FILE]");
  const model = await modelFrom(spec, "kerno export", { needsWeights: true, weights: flags.weights });
  if (out.endsWith(".keras")) {
    await saveKeras(model, out);
    console.log(`wrote ${out} (Keras 3 archive: config.json, model.weights.h5; open with keras.models.load_model)`);
  } else console.log(`wrote ${exportOnnx(model, out)} (ONNX opset 17, input ${model.inputs[0].shape.map((d) => d ?? "batch").join("x")})`);
  return 0;
}

export async function summary(argv: string[]): Promise<number> {
  const { positionals } = parse("summary", argv);
  (await modelFrom(positionals[0], "kerno summary")).summary();
  return 0;
}

export async function plot(argv: string[]): Promise<number> {
  const { positionals, flags } = parse("plot-model", argv);
  const [spec, out] = positionals;
  if (!out) throw new Error("kerno plot-model: usage: kerno plot-model <recipe|model file> <out.svg>");
  const files = plotModel(await modelFrom(spec, "kerno plot-model"), out, { rankdir: flags.lr ? "LR" : "TB" });
  console.log(`wrote ${files.svg} and ${files.dot}`);
  return 0;
}

export async function evaluateCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parse("evaluate", argv);
  const [file, dataset] = positionals;
  if (!file || !dataset) throw new Error("kerno evaluate: usage: kerno evaluate <model file> <mnist|fashion-mnist>");
  applyBackend(flags);
  const model = await loadModel(file);
  const loaders: Record<string, typeof mnist> = { mnist, "fashion-mnist": fashionMnist };
  const load = loaders[dataset];
  if (!load) throw new Error(`kerno evaluate: unknown dataset '${dataset}'; use ${Object.keys(loaders).join(" or ")}`);
  const { test } = await load();
  const wanted = model.inputs[0]?.shape ?? [null, 28, 28, 1];
  const x = reshape(div(test.images, 255), [test.images.shape[0], ...(wanted.slice(1) as number[])]);
  if (!model.compiled) model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const logs = await model.evaluate(x, test.labels, { batchSize: 256 });
  console.log(
    `${dataset} test set (${test.labels.size} images): ${Object.entries(logs)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join(", ")}`,
  );
  if (flags.json) console.log(JSON.stringify({ dataset, ...logs }));
  return 0;
}

/** Each row's classes, most likely first: a single sigmoid unit is the probability of class 1. */
function ranked(p: Float32Array, rows: number, names: string[] | null): { class: string; probability: number }[][] {
  const classes = p.length / rows;
  const name = (c: number) => names?.[c] ?? String(c);
  return Array.from({ length: rows }, (_, i) => {
    if (classes === 1) {
      const q = p[i];
      return q >= 0.5
        ? [
            { class: name(1), probability: q },
            { class: name(0), probability: 1 - q },
          ]
        : [
            { class: name(0), probability: 1 - q },
            { class: name(1), probability: q },
          ];
    }
    return Array.from(p.subarray(i * classes, (i + 1) * classes))
      .map((v, c) => ({ class: name(c), probability: v }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, 3);
  });
}

/** kerno predict <model> rows.csv: the rows encoded by the plan saved beside the model (kerno train --csv). */
function predictTableCommand(model: Model, file: string, csvs: string[], json: boolean): number {
  const planPath = join(dirname(file), TABLE_PLAN_FILE);
  if (!existsSync(planPath))
    throw new Error(`kerno predict: ${file} has no ${TABLE_PLAN_FILE} beside it (written by kerno train --csv), so CSV rows cannot be encoded for it`);
  const plan = JSON.parse(readFileSync(planPath, "utf8")) as TablePlan;
  const results = csvs.flatMap((csv) => {
    const rows = readCsv(csv).rows;
    return predictRows(model, plan, rows).map((p, i) => ({ file: csv, row: i + 1, ...p }));
  });
  for (const r of results)
    console.log(
      `${r.file} row ${r.row}: ${plan.target} ${typeof r.prediction === "number" ? r.prediction.toPrecision(6) : `${r.prediction} (${(100 * r.probability!).toFixed(1)}%)`}`,
    );
  if (json) console.log(JSON.stringify(results));
  return 0;
}

export async function predictCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parse("predict", argv);
  const [file, ...images] = positionals;
  if (!file || images.length === 0) throw new Error("kerno predict: usage: kerno predict <model file> <image ...> | <rows.csv ...> | <series.csv>");
  applyBackend(flags);
  const model = await loadModel(file);
  const forecastPlan = forecastPlanBeside(file);
  if (forecastPlan && images.every((p) => extname(p).toLowerCase() === ".csv")) {
    const forecasts = images.map((csv) => ({ file: csv, forecast: forecastFromCsv(model, forecastPlan, csv) }));
    for (const f of forecasts)
      console.log(
        `${f.file}: next ${f.forecast.length} steps of ${forecastPlan.column}: ${f.forecast.map((p) => `${p.time} ${p.value.toPrecision(5)}`).join(", ")}`,
      );
    if (flags.json) console.log(JSON.stringify(forecasts));
    return 0;
  }
  if (images.every((p) => extname(p).toLowerCase() === ".csv")) return predictTableCommand(model, file, images, flags.json === true);
  const probs = model.predict(await inputImages(model, images, inputScale(model, flags)), { batchSize: 32 });
  const tops = ranked((Array.isArray(probs) ? probs[0] : probs).floats(), images.length, model.classNames);
  const results = images.map((path, i) => {
    console.log(`${path}: ${tops[i].map((t) => `${t.class} (${(100 * t.probability).toFixed(1)}%)`).join(", ")}`);
    return { image: path, top: tops[i], top3: tops[i] };
  });
  if (flags.json) console.log(JSON.stringify(results));
  return 0;
}
