/**
 * Every subcommand's usage and the options it takes: the one list that `kerno <command> --help`
 * prints and that option parsing checks, so that an unknown option is an error naming the valid
 * ones instead of being ignored while work starts.
 */

export interface CommandUsage {
  usage: string;
  options: string[];
}

const TRAIN_COMMON = ["epochs", "batch-size", "backend", "seed", "out", "runs", "verbose", "json", "png", "patience", "distributed", "dtype-policy"];

export const USAGE: Record<string, CommandUsage> = {
  train: {
    usage: `kerno train <recipe> [options]
kerno train --images DIR | --csv FILE --target COL | --series FILE --column COL [options]
  recipes: mnist-dense, mnist-cnn, cats-vs-dogs (--deeper --augment --images DIR),
  cats-vs-dogs-pretrained (--base tiny-darknet|vgg16|FILE --fine-tune N --fine-tune-epochs N),
  traffic-forecast (--csv --time --column --history --time-features --sarima-origins --course),
  house-prices (--csv --target --loss mae|mse --log-target --dev-size), class-priors (--minority --fraction),
  fashion-mnist-hierarchical (--groups --linkage ward|average --cnn)
  own data: --images (--base --balance --size --no-augment --hierarchical --groups),
  --csv (--target --task --loss --test-size), --series (--column --time --history --horizon --time-features)
  data-parallel over MPI (mnist-dense, mnist-cnn): mpirun -np 2 npx kerno train mnist-cnn --distributed
  mixed precision (bfloat16 products, float32 variables): --dtype-policy mixed_bfloat16`,
    options: [
      ...TRAIN_COMMON,
      "images",
      "csv",
      "series",
      "target",
      "column",
      "time",
      "deeper",
      "augment",
      "no-augment",
      "base",
      "preprocess",
      "fine-tune",
      "fine-tune-epochs",
      "history",
      "horizon",
      "time-features",
      "sarima-origins",
      "after-longest-gap",
      "course",
      "loss",
      "log-target",
      "dev-size",
      "task",
      "test-size",
      "balance",
      "size",
      "hierarchical",
      "groups",
      "linkage",
      "cnn",
      "minority",
      "fraction",
    ],
  },
  runs: { usage: "kerno runs [--runs DIR] [--json]", options: ["runs", "json"] },
  dashboard: { usage: "kerno dashboard [--runs DIR] [--port 6007] [--host 127.0.0.1]", options: ["runs", "port", "host"] },
  summary: { usage: "kerno summary <recipe|architecture|model file>", options: [] },
  evaluate: { usage: "kerno evaluate <model file> <mnist|fashion-mnist> [--backend native|js]", options: ["backend"] },
  predict: {
    usage: "kerno predict <model file> <image ...> | <rows.csv ...> [--json] [--input-scale 1|255] [--backend native|js]",
    options: ["json", "input-scale", "backend"],
  },
  serve: { usage: "kerno serve <model.onnx|model.kerno> [--port 8501] [--host 127.0.0.1] [--max-batch 1024]", options: ["port", "host", "max-batch"] },
  export: { usage: "kerno export <model file|recipe|architecture> <out.onnx|out.keras> [--weights imagenet|random|FILE]", options: ["weights"] },
  "plot-model": { usage: "kerno plot-model <recipe|model file> <out.svg> [--lr]", options: ["lr"] },
  interpret: {
    usage: `kerno interpret filters <model> --layer L [--filters 0-15 | --filter N] [--preprocess MODE] [--reference DIR|none]
kerno interpret activation <model> <image> --layer L --filter N
kerno interpret featuremaps|gradcam|saliency <model> <image> [--layer L] [--class C] [--method vanilla|smoothgrad|integrated]
  common: [--out DIR] [--json] [--input-scale 1|255] [--weights imagenet|random|FILE] (architecture names)`,
    options: ["layer", "filters", "filter", "preprocess", "class", "method", "out", "json", "input-scale", "weights", "reference"],
  },
  attack: {
    usage: `kerno attack one-pixel <model> --images DIR [--label N] | --dataset mnist|fashion-mnist [--from N]
  [--pixels 1] [--count N] [--population 400] [--generations 100] [--out DIR] [--json] [--input-scale 1|255]`,
    options: ["images", "label", "dataset", "from", "pixels", "count", "population", "generations", "out", "json", "input-scale", "weights"],
  },
  doctor: { usage: "kerno doctor", options: [] },
  demo: { usage: "kerno demo", options: [] },
  bench: {
    usage: "kerno bench [workload ...] [--json] [--seconds N] [--save]   (workloads: see the README's Benchmark section)",
    options: ["json", "seconds", "save"],
  },
};

/** The text `kerno <command> --help` prints. */
export function usageText(command: string): string {
  const u = USAGE[command];
  const options = u.options.length ? `\noptions: ${u.options.map((o) => `--${o}`).join(" ")}` : "";
  return `usage: ${u.usage}${options}\n`;
}

/** Throws for an option the command does not take, naming the valid ones. */
export function checkOptions(command: string, given: string[]): void {
  const u = USAGE[command];
  if (!u) return;
  const unknown = given.filter((o) => o !== "help" && !u.options.includes(o));
  if (unknown.length)
    throw new Error(
      `kerno ${command}: unknown option ${unknown.map((o) => `--${o}`).join(", ")}; valid: ${u.options.length ? u.options.map((o) => `--${o}`).join(" ") : "(none)"}`,
    );
}
