/** What every kerno workload shares: printing a metric, and timing a step or a whole fit. */
import type { Model } from "@kerno/core/models/model.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";

export interface Context {
  backendName: string;
  seconds: number;
}

/** One JSON line per metric: { metric, value, peakRssMb }. */
export function emit(metric: string, value: number | null, peakRssMb = process.resourceUsage().maxRSS / 1024): void {
  console.log(JSON.stringify({ metric, value, peakRssMb }));
}

/** Steps per second of fn after two warm-up calls, over at least `seconds` and `minSteps`. */
export function rate(fn: () => void, seconds: number, minSteps = 3): number {
  fn();
  fn();
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || steps < minSteps) {
    fn();
    steps++;
  }
  return steps / ((performance.now() - start) / 1000);
}

/**
 * Samples per second of model.fit on x, y (distinct batches, reshuffled every epoch, as users
 * train), after one warm-up epoch, over whole epochs lasting at least `seconds` in all.
 */
export async function fitRate(model: Model, x: Tensor, y: Tensor, batchSize: number, seconds: number): Promise<number> {
  const epoch = () => model.fit(x, y, { epochs: 1, batchSize, verbose: 0, seed: 1 });
  await epoch();
  let epochs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || epochs < 1) {
    await epoch();
    epochs++;
  }
  return (x.shape[0] * epochs) / ((performance.now() - start) / 1000);
}

/** Labels 0..classes-1 in a fixed pattern. */
export function pattern(n: number, classes: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (i * 7 + 3) % classes);
}
