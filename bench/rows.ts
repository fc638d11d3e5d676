/** The bench's rows: one metric of one workload, kerno beside PyTorch and ONNX Runtime. */

export interface Sample {
  metric: string;
  value: number | null;
  peakRssMb: number;
}

export interface Row {
  workload: string;
  metric: string;
  unit: string;
  higherIsBetter: boolean;
  kernoNative: number | null;
  kernoJs: number | null;
  pytorch: number | null;
  /** kerno-native over PyTorch, oriented so that above 1 means kerno is better. */
  ratio: number | null;
  pytorchThreads?: number;
  onnxRuntime?: number | null;
  /** kerno-native over ONNX Runtime, oriented likewise. */
  ratioOnnx?: number | null;
}

export const UNITS: Record<string, [string, boolean]> = {
  "1024^3": ["GFLOPS", true],
  "2048^3": ["GFLOPS", true],
  "FMA peak (measured)": ["GFLOPS", true],
  "2048^3, share of FMA peak": ["%", true],
  "training (fit)": ["images/s", true],
  "training (kernel)": ["images/s", true],
  inference: ["images/s", true],
  "inference, batch 1024": ["images/s", true],
  "5 epochs, wall": ["s", false],
  "test accuracy": ["%", true],
  "LSTM(16) epoch": ["s/epoch", false],
  "SimpleRNN(16) epoch": ["s/epoch", false],
  "RSS growth, step 200 to 2000": ["%", false],
  "peak RSS": ["MB", false],
  "decode + resize": ["images/s", true],
  "feature extraction": ["images/s", true],
  "100 generations x 400": ["s", false],
  "one filter, 56 to 224": ["s", false],
  "VGG16 inference, float32": ["images/s", true],
  "VGG16 inference, mixed_bfloat16": ["images/s", true],
  "MNIST CNN training (fit), float32": ["images/s", true],
  "MNIST CNN training (fit), mixed_bfloat16": ["images/s", true],
};

/** a over b, oriented so that above 1 means a is better. */
export function ratioOf(a: number | null, b: number | null, higherIsBetter: boolean): number | null {
  if (a === null || b === null || a === 0 || b === 0) return null;
  return higherIsBetter ? a / b : b / a;
}

/** The best value of a metric among several runs (threads), and which run gave it. */
export function best(runs: Sample[][], metric: string, higherIsBetter: boolean): { value: number | null; index: number } {
  let value: number | null = null,
    index = -1;
  runs.forEach((samples, i) => {
    const v = samples.find((s) => s.metric === metric)?.value ?? null;
    if (v !== null && (value === null || (higherIsBetter ? v > value : v < value))) {
      value = v;
      index = i;
    }
  });
  return { value, index };
}

/**
 * One metric of the browser section (bench/browser/section.ts): kerno-wasm in Chromium beside
 * TensorFlow.js's best backend and ONNX Runtime Web in the same browser, and kerno in Node on the
 * same work; each ratio is kerno-wasm over the other, oriented so that above 1 means kerno-wasm is better.
 */
export interface BrowserRow {
  workload: string;
  metric: string;
  unit: string;
  higherIsBetter: boolean;
  kernoWasm: number | null;
  tfjs: number | null;
  /** The TensorFlow.js backend that gave `tfjs` (its best of cpu and webgl). */
  tfjsBackend?: string;
  ortWeb: number | null;
  /** kerno-native in Node, and kerno-wasm in Node (on its threads), on the same work. */
  kernoNative: number | null;
  kernoWasmNode: number | null;
  ratioTfjs: number | null;
  ratioOrtWeb: number | null;
  ratioNative: number | null;
  browser: string;
  crossOriginIsolated: boolean;
}

/** The browser section of a run: where it ran, on how many threads, what else it found, or why it was skipped. */
export interface BrowserRun {
  skipped?: string;
  browser?: string;
  crossOriginIsolated?: boolean;
  threads?: { kernoWasm: number | null; ortWeb: number | null; kernoNative: number | null; kernoWasmNode: number | null };
  versions?: { tfjs: string; ortWeb: string };
  notes: string[];
  rows: BrowserRow[];
}
