/** `kerno --help`: every command in a few lines (the options it names are checked against COMMANDS by usage.test.ts). */
export const HELP = `kerno: deep learning for TypeScript and Node.js

Usage: kerno <command> [options]

Commands:
  train <recipe> [--epochs N] [--batch-size N] [--backend native|js] [--seed N] [--out DIR] [--json]
                  run one of the course's experiments: mnist-dense, mnist-cnn, cats-vs-dogs,
                  cats-vs-dogs-pretrained, traffic-forecast, house-prices (options: see the README)
  train --images DIR | --csv FILE --target COL | --series FILE --column COL
                  your own photos (class folders), table or series: a trained, evaluated, saved
                  model with report.json and plots
  runs [--runs DIR] [--json]
                  the runs folder: every kerno train's config, live history, summary, report,
                  model and plots (runs/<date>-<time>-<name>/; --runs or KERNO_RUNS_DIR elsewhere)
  dashboard [--runs DIR] [--port 6007] [--host 127.0.0.1]
                  the runs in a local web page: live curves, graph, report, pictures, bench
  playground [--port 6008] [--host 127.0.0.1] [--build DIR]
                  the course's MNIST CNN in a browser tab (WebAssembly): train, test, draw a
                  digit, filters and feature maps, one-pixel attack, save; --build: static files
  summary <recipe|architecture|model file>
                  print the model's summary table (architectures: vgg16 vgg19 resnet50
                  mobilenetv2 tiny-darknet)
  evaluate <model file> <dataset>    test-set loss and metrics (mnist, fashion-mnist)
  predict <model file> <image ...>   the likeliest classes of digits or photos (PNG, JPEG, ...)
  predict <model file> <rows.csv>    a table model's predictions for new rows (kerno train on a CSV)
  interpret filters|activation|featuremaps|gradcam|saliency <model> [image] [--layer L] [--class C]
                  look inside a network: filter images, feature maps, heat maps (PNG)
  attack one-pixel <model> --images DIR [--label N] | --dataset mnist [--pixels N] [--count N]
                  [--population N] [--generations N]
                  the one-pixel attack by differential evolution
  export <model file|recipe> <out.onnx>
                  the model as ONNX (opset 17, dynamic batch) for ONNX Runtime, Triton, ...
  serve <model.onnx|model.kerno> [--port 8501] [--host 127.0.0.1]
                  JSON predictions over HTTP (POST /predict {"inputs": [...]}, GET /health)
  plot-model <recipe|model file> <out.svg>
                  write the layer graph as SVG (and DOT beside it)
  demo            train a tiny network on generated data and print its loss falling
  doctor [--json] [--measure]
                  show the active backend, why any other was skipped, and the machine profile
                  (CPU, caches, measured FMA peak; --measure measures it again)
  bench [workload ...] [--json] [--seconds N]
                  kerno-native vs kerno-js vs PyTorch (and ONNX Runtime), side by side
                  (workloads and --save: see the README)
  help, --help    show this help; kerno <command> --help shows a command's usage and options

Environment:
  KERNO_BACKEND      force a backend: native (an error if the addon cannot load) or js
  KERNO_NUM_THREADS  threads of the native backend (default: the usable cores)
  KERNO_ISA          cap the native SIMD path: avx512, avx2 or portable
  KERNO_CONV         gemm, indirect, direct, f2, f4, f2p or f4p: run every convolution pass that has that way that way; default: timed at first use
  KERNO_DATA_DIR     where data sets are cached (default ~/.kerno/datasets)
`;

/**
 * Every subcommand's usage and the options it takes, declared once: what `kerno <command> --help`
 * prints and what args.ts parses with, so that an unknown option is an error naming the valid
 * ones instead of being ignored while work starts.
 *
 * Options are written as in a usage line, "--epochs N --json": a name followed by a placeholder
 * takes a value (--epochs 3 or --epochs=3), a name alone is a boolean flag.
 */

export interface CommandSpec {
  /** The usage lines after "usage: ". */
  usage: string;
  /** The options the command takes (for a command with subcommands: those every subcommand takes). */
  options: string;
  /** Subcommands (kerno interpret gradcam, ...) with the options each takes besides `options`. */
  subcommands?: Record<string, string>;
}

export type OptionList = { name: string; value?: string }[];

/** "--epochs N --json" as [{ name: "epochs", value: "N" }, { name: "json" }]. */
export function optionList(text: string): OptionList {
  const list: OptionList = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (word.startsWith("--")) list.push({ name: word.slice(2) });
    else if (list.length && list[list.length - 1].value === undefined) list[list.length - 1].value = word;
    else throw new Error(`usage.ts: '${word}' in "${text}" follows no option`);
  }
  return list;
}

const TRAIN_COMMON =
  "--epochs N --batch-size N --backend native|js --seed N --out DIR --runs DIR --verbose 0|1|2 --json --png --patience N --distributed --dtype-policy mixed_bfloat16";

const INTERPRET_COMMON = "--out DIR --json --input-scale 1|255 --weights imagenet|random|FILE";

export const COMMANDS: Record<string, CommandSpec> = {
  train: {
    usage: `kerno train <recipe> [options]
kerno train --images DIR | --csv FILE --target COL | --series FILE --column COL [options]
  recipes: mnist-dense, mnist-cnn, cats-vs-dogs (--deeper --augment --images DIR),
  cats-vs-dogs-pretrained (--base tiny-darknet|vgg16|FILE --preprocess MODE --fine-tune N --fine-tune-epochs N),
  traffic-forecast (--csv --time --column --history --horizon --time-features --after-longest-gap --sarima-origins --course),
  house-prices (--csv --target --loss mae|mse --log-target --dev-size), class-priors (--minority --fraction),
  fashion-mnist-hierarchical (--groups --linkage ward|average --cnn)
  own data: --images (--base --balance --size --no-augment --hierarchical --groups),
  --csv (--target --task --loss --test-size), --series (--column --time --history --horizon --time-features --after-longest-gap)
  data-parallel over MPI (mnist-dense, mnist-cnn): mpirun -np 2 npx kerno train mnist-cnn --distributed
  mixed precision (bfloat16 products, float32 variables): --dtype-policy mixed_bfloat16`,
    options: `${TRAIN_COMMON} --images DIR --csv FILE --series FILE --target COL --column COL --time COL
      --deeper --augment --no-augment --base tiny-darknet|vgg16|FILE --preprocess unit|tf|caffe|torch --fine-tune N --fine-tune-epochs N
      --history N --horizon N --time-features --sarima-origins N --after-longest-gap --course
      --loss mae|mse --log-target --dev-size N --task classification|regression --test-size F
      --balance undersample|oversample|weights|none --size N --hierarchical --groups N --linkage ward|average --cnn
      --minority N --fraction F`,
  },
  runs: { usage: "kerno runs [--runs DIR] [--json]", options: "--runs DIR --json" },
  dashboard: { usage: "kerno dashboard [--runs DIR] [--port 6007] [--host 127.0.0.1]", options: "--runs DIR --port N --host HOST" },
  playground: {
    usage: "kerno playground [--port 6008] [--host 127.0.0.1] [--build DIR]",
    options: "--port N --host HOST --build DIR",
  },
  summary: { usage: "kerno summary <recipe|architecture|model file>", options: "" },
  evaluate: { usage: "kerno evaluate <model file> <mnist|fashion-mnist> [--backend native|js] [--json]", options: "--backend native|js --json" },
  predict: {
    usage: "kerno predict <model file> <image ...> | <rows.csv ...> [--json] [--input-scale 1|255] [--backend native|js]",
    options: "--json --input-scale 1|255 --backend native|js",
  },
  serve: {
    usage: "kerno serve <model.onnx|model.kerno> [--port 8501] [--host 127.0.0.1] [--max-batch 1024]",
    options: "--port N --host HOST --max-batch N",
  },
  export: {
    usage: "kerno export <model file|recipe|architecture> <out.onnx|out.keras> [--weights imagenet|random|FILE]",
    options: "--weights imagenet|random|FILE",
  },
  "plot-model": { usage: "kerno plot-model <recipe|model file> <out.svg> [--lr]", options: "--lr" },
  interpret: {
    usage: `kerno interpret filters <model> --layer L [--filters 0-15 | --filter N] [--preprocess MODE] [--reference DIR|none]
kerno interpret activation <model> <image> --layer L --filter N
kerno interpret featuremaps <model> <image> --layer L
kerno interpret gradcam|saliency <model> <image> [--layer L (gradcam)] [--class C] [--method vanilla|smoothgrad|integrated|occlusion (saliency)]
  common: [--out DIR] [--json] [--input-scale 1|255] [--weights imagenet|random|FILE] (architecture names)`,
    options: INTERPRET_COMMON,
    subcommands: {
      filters: "--layer L --filters 0-15 --filter N --preprocess unit|tf|caffe|torch|none --reference DIR|none",
      activation: "--layer L --filter N",
      featuremaps: "--layer L",
      gradcam: "--layer L --class C",
      saliency: "--class C --method vanilla|smoothgrad|integrated|occlusion",
    },
  },
  attack: {
    usage: `kerno attack one-pixel <model> --images DIR [--label N] | --dataset mnist|fashion-mnist [--from N]
  [--pixels 1] [--count N] [--population 400] [--generations 100] [--out DIR] [--json] [--input-scale 1|255] [--weights imagenet|random|FILE]`,
    options:
      "--images DIR --label N --dataset mnist|fashion-mnist --from N --pixels N --count N --population N --generations N --out DIR --json --input-scale 1|255 --weights imagenet|random|FILE",
  },
  doctor: { usage: "kerno doctor [--json] [--measure]", options: "--json --measure" },
  demo: { usage: "kerno demo", options: "" },
  bench: {
    usage: "kerno bench [workload ...] [--json] [--seconds N] [--save]   (workloads: see the README's Benchmark section)",
    options: "--json --seconds N --save",
  },
};

/** The options that `kerno <command> [subcommand]` takes: the command's and the subcommand's (all subcommands' when none is named). */
export function commandOptions(spec: CommandSpec, sub?: string): OptionList {
  const own = optionList(spec.options);
  if (!spec.subcommands) return own;
  if (sub !== undefined && Object.hasOwn(spec.subcommands, sub)) return [...optionList(spec.subcommands[sub]), ...own];
  const all = [...Object.values(spec.subcommands).flatMap(optionList), ...own];
  return all.filter((o, i) => all.findIndex((p) => p.name === o.name) === i);
}

/** The options as "--epochs N  --json", in lines of about 100 characters after `label`. */
function listed(label: string, list: OptionList): string {
  const lines = [label];
  for (const o of list) {
    const word = o.value === undefined ? `--${o.name}` : `--${o.name} ${o.value}`;
    if (lines[lines.length - 1].length + word.length > 100) lines.push(" ".repeat(label.length));
    lines[lines.length - 1] += `${/\S$/.test(lines[lines.length - 1]) ? "  " : ""}${word}`;
  }
  return lines.join("\n");
}

/** The text `kerno <command> --help` prints: the usage, then the options it parses with. */
export function usageText(command: string): string {
  const spec = COMMANDS[command];
  const own = optionList(spec.options);
  const lines = [`usage: ${spec.usage}`];
  if (own.length) lines.push(listed("options: ", own));
  for (const [sub, options] of Object.entries(spec.subcommands ?? {})) lines.push(listed(`  ${sub}: `, optionList(options)));
  return `${lines.join("\n")}\n`;
}
