/** The bench's rows: one metric of one workload, kerno beside PyTorch and ONNX Runtime. */

export interface Sample {
  metric: string;
  value: number | null;
  /** The peak resident memory of the process that did the work (a spawned child's own where it spawns one). */
  peakRssMb: number;
  /**
   * PyTorch's rows that take two readings, without and with torch.set_flush_denormal(True)
   * (bench/pytorch_bench.py): whether the reading kept (the better) was the flushed one.
   */
  flushDenormal?: boolean;
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
  /** Present where PyTorch's side took a second reading with denormals flushed: whether that reading won. */
  pytorchFlushDenormal?: boolean;
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

/** Each process's samples of one workload: kerno's backends, PyTorch per thread count, ONNX Runtime per thread count. */
export interface WorkloadSamples {
  native: Sample[];
  js: Sample[];
  torch: Sample[][];
  torchThreads: number[];
  onnx: Sample[][];
}

/** The rows of one workload: each metric of kerno-native beside the best of the others, then its peak RSS row. */
export function makeRows(workload: string, { native, js, torch, torchThreads, onnx }: WorkloadSamples): Row[] {
  const rows: Row[] = native.map((s) => {
    const [unit, higherIsBetter] = UNITS[s.metric] ?? ["", true];
    const py = best(torch, s.metric, higherIsBetter);
    const flushed = py.index >= 0 ? torch[py.index].find((p) => p.metric === s.metric)?.flushDenormal : undefined;
    const row: Row = {
      workload,
      metric: s.metric,
      unit,
      higherIsBetter,
      kernoNative: s.value,
      kernoJs: js.find((p) => p.metric === s.metric)?.value ?? null,
      pytorch: py.value,
      ratio: ratioOf(s.value, py.value, higherIsBetter),
      pytorchThreads: py.index >= 0 ? torchThreads[py.index] : undefined,
      ...(flushed === undefined ? {} : { pytorchFlushDenormal: flushed }),
    };
    const ort = best(onnx, s.metric, higherIsBetter);
    if (ort.value !== null) Object.assign(row, { onnxRuntime: ort.value, ratioOnnx: ratioOf(s.value, ort.value, higherIsBetter) });
    return row;
  });
  if (workload !== "memory") {
    // only what measured something: a worker that skipped (no data) reports its own idle memory
    const peak = (samples: Sample[]) => {
      const ran = samples.filter((p) => p.value !== null);
      return ran.length ? Math.max(...ran.map((p) => p.peakRssMb)) : null;
    };
    const torchPeaks = torch.map(peak).filter((v): v is number => v !== null);
    const pyPeak = torchPeaks.length ? Math.min(...torchPeaks) : null;
    const nativePeak = peak(native);
    rows.push({
      workload,
      metric: "peak RSS",
      unit: "MB",
      higherIsBetter: false,
      kernoNative: nativePeak,
      kernoJs: peak(js),
      pytorch: pyPeak,
      ratio: ratioOf(nativePeak, pyPeak, false),
    });
  }
  return rows;
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

/**
 * One metric of the webgpu section (bench/webgpu/section.ts): kerno on its webgpu backend beside
 * TensorFlow.js's WebGPU backend, in the same Chromium on the same adapter, each in its own page;
 * the ratio is kerno over TensorFlow.js, oriented so that above 1 means kerno is better.
 */
export interface WebGpuRow {
  workload: string;
  metric: string;
  unit: string;
  higherIsBetter: boolean;
  kernoWebgpu: number | null;
  tfjsWebgpu: number | null;
  ratioTfjs: number | null;
  /** False on a software adapter (KERNO_BENCH_WEBGPU_SOFTWARE=1, tiny sizes): the code path ran, the numbers are no timings. */
  timing: boolean;
  /** Why a side has no number (its page failed), its first line. */
  kernoError?: string;
  tfjsError?: string;
}

/** The webgpu section of a run: the browser, its flags and adapter, what else it found, or why it was skipped. */
export interface WebGpuRun {
  skipped?: string;
  browser?: string;
  /** Chromium's command-line flags that the section added. */
  flags?: string[];
  adapter?: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean };
  /** Run on a software adapter with tiny sizes (KERNO_BENCH_WEBGPU_SOFTWARE=1): no row is a timing. */
  software?: boolean;
  versions?: { tfjs: string; tfjsWebgpu: string };
  notes: string[];
  rows: WebGpuRow[];
}
