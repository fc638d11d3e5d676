/**
 * Keras's progress output. verbose 1: on a terminal, a live bar per epoch (steps, elapsed or
 * ETA, time per step, running loss and metrics); elsewhere one line per epoch. verbose 2: one
 * line per epoch always.
 */
import { Callback, type Logs } from "./callbacks.js";

export interface Output {
  write(s: string): void;
  isTTY?: boolean;
}

function defaultOutput(): Output {
  const out = (globalThis as { process?: { stdout?: Output } }).process?.stdout;
  return out ?? { write: (s: string) => console.log(s.replace(/\n$/, "")) };
}

export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== "learning_rate")
    .map(([k, v]) => `${k}: ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4)}`)
    .join(" - ");
}

function formatDuration(seconds: number): string {
  if (seconds >= 3600)
    return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;
  return `${Math.round(seconds)}s`;
}

function perStep(seconds: number, steps: number): string {
  const s = seconds / Math.max(steps, 1);
  return s >= 1 ? `${s.toFixed(1)}s/step` : s >= 1e-3 ? `${Math.round(s * 1e3)}ms/step` : `${Math.round(s * 1e6)}us/step`;
}

export class ProgbarLogger extends Callback {
  private readonly out: Output;
  private readonly live: boolean;
  private epochStart = 0;
  private lastDraw = 0;
  private seen = 0;

  constructor(
    readonly verbose: number,
    output?: Output,
  ) {
    super();
    this.out = output ?? defaultOutput();
    this.live = verbose === 1 && this.out.isTTY === true;
  }

  onEpochBegin(epoch: number): void {
    this.epochStart = performance.now();
    this.lastDraw = 0;
    this.seen = 0;
    if (this.live) this.out.write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
  }

  /** Keras's bar: '=' for done, '>' at the head while running, '.' for the rest. */
  private bar(done: number, total: number | null): string {
    if (total === null) return `${done}/Unknown`;
    const width = 30,
      filled = Math.floor((width * done) / total);
    const head = filled > 0 ? "=".repeat(filled - 1) + (done < total ? ">" : "=") : "";
    return `${String(done).padStart(String(total).length)}/${total} [${head}${".".repeat(width - head.length)}]`;
  }

  onTrainBatchEnd(batch: number, logs: Logs): void {
    this.seen = batch + 1;
    if (!this.live) return;
    const now = performance.now();
    const total = this.params.steps;
    if (now - this.lastDraw < 100 && batch + 1 !== total) return;
    this.lastDraw = now;
    const elapsed = (now - this.epochStart) / 1000;
    const eta = total ? (elapsed / (batch + 1)) * (total - batch - 1) : 0;
    this.out.write(`\r${this.bar(batch + 1, total)} - ETA: ${formatDuration(eta)} - ${formatLogs(logs)}\x1b[K`);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const seconds = (performance.now() - this.epochStart) / 1000;
    const steps = this.params.steps ?? this.seen;
    const timing = `${formatDuration(seconds)} ${perStep(seconds, steps)}`;
    if (this.live) this.out.write(`\r${this.bar(steps, steps)} - ${timing} - ${formatLogs(logs)}\x1b[K\n`);
    else this.out.write(`Epoch ${epoch + 1}/${this.params.epochs} - ${steps}/${steps} - ${timing} - ${formatLogs(logs)}\n`);
  }
}
