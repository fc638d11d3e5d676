/**
 * Keras's CSVLogger: one CSV row per epoch in a file. It writes files, so it lives with the run
 * folders (RunHistory writes history.csv through it), outside the core that runs without a file
 * system.
 */
import { appendFileSync, existsSync, statSync, writeFileSync } from "node:fs";
import { Callback, type Logs } from "@kerno/core/training/callback-base.js";

/** Appends one CSV row per epoch (epoch, then the logs in sorted order). */
export class CSVLogger extends Callback {
  private keys: string[] | null = null;
  constructor(
    readonly filename: string,
    readonly options: { separator?: string; append?: boolean } = {},
  ) {
    super();
  }

  onTrainBegin(): void {
    this.keys = null;
    if (!this.options.append || !existsSync(this.filename)) writeFileSync(this.filename, "");
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const sep = this.options.separator ?? ",";
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      const fresh = !existsSync(this.filename) || !this.options.append || appendingToEmpty(this.filename);
      if (fresh) appendFileSync(this.filename, `${["epoch", ...this.keys].join(sep)}\n`);
    }
    appendFileSync(this.filename, `${[epoch, ...this.keys.map((k) => logs[k] ?? "")].join(sep)}\n`);
  }
}

function appendingToEmpty(path: string): boolean {
  return statSync(path).size === 0;
}
