/** The `kerno` command line. */
import { UsageError } from "./args.js";
import { runBenchCommand } from "./bench.js";
import { evaluateCommand, exportCommand, plot, predictCommand, summary, train } from "./commands.js";
import { dashboardCommand } from "./dashboard.js";
import { runDemo } from "./demo.js";
import { runDoctor } from "./doctor.js";
import { attackCommand, interpretCommand } from "./interpret.js";
import { playgroundCommand } from "./playground.js";
import { runsCommand } from "./runs.js";
import { serveCommand } from "./serve.js";
import { COMMANDS, HELP, usageText } from "./usage.js";

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // each command parses its own options (args.ts, with the ones usage.ts declares for it)
  if (Object.hasOwn(COMMANDS, command ?? "") && (rest.includes("--help") || rest.includes("-h"))) {
    process.stdout.write(usageText(command));
    return 0;
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
    case "playground":
      return playgroundCommand(rest);
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
      return runDoctor(rest);
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
    // a usage error's message names the command already (kerno train: unknown option ...)
    if (err instanceof UsageError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`kerno: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
