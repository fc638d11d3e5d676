/**
 * A run folder as a callback: a fit given `callbacks: [..., new RunHistory(runDir)]` (last, so that
 * it records what the others add to the logs) writes summary.txt and the layer graph (model.svg,
 * .dot) once, and appends the per-epoch logs to history.csv as they come (a second model trained
 * into the same run writes history-<model name>.csv), so that a dashboard can follow the run and a
 * killed run keeps them.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Model } from "@kerno/core/models/model.js";
import { Callback, type Logs } from "@kerno/core/training/callback-base.js";
import { plotModel } from "@kerno/node/interop/plot-model.js";
import { writeAtomic } from "@kerno/node/util/files.js";
import { CSVLogger } from "./csv-logger.js";

export class RunHistory extends Callback {
  private csv: CSVLogger | null = null;
  /** The file this fit appends to (chosen when training begins). */
  file: string | null = null;

  constructor(readonly runDir: string) {
    super();
  }

  onTrainBegin(): void {
    mkdirSync(this.runDir, { recursive: true });
    const model = this.model as unknown as Model;
    const name = model?.name ?? "model";
    const main = join(this.runDir, "history.csv");
    const owner = join(this.runDir, ".history-model");
    // the first model to train here owns history.csv; others get their own file
    const mine = !existsSync(main) || (existsSync(owner) && readFileSync(owner, "utf8") === name);
    this.file = mine ? main : join(this.runDir, `history-${name.replace(/[^\w.-]+/g, "_")}.csv`);
    if (mine) writeAtomic(owner, name);
    const summary = join(this.runDir, "summary.txt");
    if (!existsSync(summary) && typeof model?.summary === "function") {
      const lines: string[] = [];
      model.summary({ printFn: (l: string) => lines.push(l) });
      writeAtomic(summary, `${lines.join("\n")}\n`);
    }
    if (!existsSync(join(this.runDir, "model.svg")) && Array.isArray(model?.nodes)) plotModel(model, join(this.runDir, "model.svg"));
    this.csv = new CSVLogger(this.file, { append: true });
    this.csv.onTrainBegin();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.csv?.onEpochEnd(epoch, logs);
  }
}
