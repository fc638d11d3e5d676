/** The `kerno` command line. */
import { runBenchCommand } from "./bench.js";
import { evaluateCommand, exportCommand, plot, predictCommand, summary, train } from "./commands.js";
import { dashboardCommand } from "./dashboard.js";
import { runDemo } from "./demo.js";
import { runDoctor } from "./doctor.js";
import { attackCommand, interpretCommand } from "./interpret.js";
import { runsCommand } from "./runs.js";
import { serveCommand } from "./serve.js";
import { checkOptions, USAGE, usageText } from "./usage.js";

const HELP = `kerno: deep learning for TypeScript and Node.js

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
  summary <recipe|architecture|model file>
                  print the model's summary table (architectures: vgg16 vgg19 resnet50
                  mobilenetv2 tiny-darknet)
  evaluate <model file> <dataset>    test-set loss and metrics (mnist, fashion-mnist)
  predict <model file> <image ...>   the likeliest classes of digits or photos (PNG, JPEG, ...)
  predict <model file> <rows.csv>    a --csv model's predictions for new rows
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
  doctor          show the active backend and why any other was skipped
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

/** The option names in argv (--name or --name=value). */
const optionNames = (argv: string[]) => argv.filter((a) => a.startsWith("--")).map((a) => a.slice(2).split("=")[0]);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command in USAGE) {
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(usageText(command));
      return 0;
    }
    checkOptions(command, optionNames(rest));
  }
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(HELP);
      return 0;
    case "demo":
      return runDemo(rest);
    case "train":
      return train(rest);
    case "runs":
      return runsCommand(rest);
    case "dashboard":
      return dashboardCommand(rest);
    case "summary":
      return summary(rest);
    case "evaluate":
      return evaluateCommand(rest);
    case "predict":
      return predictCommand(rest);
    case "plot-model":
      return plot(rest);
    case "export":
      return exportCommand(rest);
    case "serve":
      return serveCommand(rest);
    case "interpret":
      return interpretCommand(rest);
    case "attack":
      return attackCommand(rest);
    case "doctor":
      return runDoctor();
    case "bench":
      return runBenchCommand(rest);
    default:
      process.stderr.write(`kerno: unknown command '${command}'\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`kerno: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
