/**
 * `npm run bench` / `kerno bench [workload] [--json] [--seconds N]`: each workload on
 * kerno-native, kerno-js and PyTorch (1 and 2 threads, the faster counts), side by side in one
 * run, each in its own process (so peak resident memory is per workload). Prints a table with
 * ratios, or with --json one JSON array of rows
 * { workload, metric, unit, higherIsBetter, kernoNative, kernoJs, pytorch, ratio }
 * (ratio = kerno-native over PyTorch, oriented so that above 1 means kerno is better).
 */
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";

export const WORKLOADS = ["sgemm", "mnist-cnn", "mnist-dense", "lstm", "vgg16", "cats-vs-dogs", "image-folder", "tiny-darknet", "memory"] as const;

interface Sample {
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
  ratio: number | null;
  pytorchThreads?: number;
}

const UNITS: Record<string, [string, boolean]> = {
  "1024^3": ["GFLOPS", true],
  "2048^3": ["GFLOPS", true],
  training: ["images/s", true],
  inference: ["images/s", true],
  "LSTM(16) epoch": ["s/epoch", false],
  "SimpleRNN(16) epoch": ["s/epoch", false],
  "RSS growth, step 200 to 2000": ["%", false],
  "peak RSS": ["MB", false],
  "decode + resize": ["images/s", true],
  "feature extraction": ["images/s", true],
};

const root = fileURLToPath(new URL("..", import.meta.url));
const PYTHON = "/usr/bin/python3";

function parse(stdout: string): Sample[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Sample);
}

function runKerno(workload: string, backend: string, seconds: number): Sample[] | string {
  const r = spawnSync(process.execPath, ["--import", "tsx", "bench/worker.ts", workload, backend, String(seconds)], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, KERNO_BACKEND: backend },
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return (r.stderr || r.stdout || `exit ${r.status}`).trim().split("\n").slice(-1)[0];
  return parse(r.stdout);
}

export function pytorchAvailable(): boolean {
  return spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" }).status === 0;
}

function runPytorch(workload: string, threads: number, seconds: number): Sample[] {
  if (workload === "memory") return [];
  const t = String(threads);
  const r = spawnSync(PYTHON, ["bench/pytorch_bench.py", workload, t, String(seconds)], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 24,
    // OpenBLAS ignores torch.set_num_threads: pin every pool to the same count
    env: { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t },
  });
  if (r.status !== 0) throw new Error(`PyTorch ${workload}: ${r.stderr.trim().split("\n").slice(-1)[0]}`);
  return parse(r.stdout);
}

function better(a: number, b: number, higher: boolean): boolean {
  return higher ? a > b : a < b;
}

export function benchWorkload(workload: string, seconds: number, withPytorch: boolean, log: (s: string) => void): Row[] {
  log(`${workload}: kerno-native`);
  const native = runKerno(workload, "native", seconds);
  log(`${workload}: kerno-js`);
  const js = runKerno(workload, "js", seconds);
  const torch: Sample[][] = [];
  if (withPytorch)
    for (const threads of [1, 2]) {
      log(`${workload}: pytorch, ${threads} thread(s)`);
      torch.push(runPytorch(workload, threads, seconds));
    }
  if (typeof native === "string") throw new Error(`kerno-native ${workload}: ${native}`);
  const jsSamples = typeof js === "string" ? [] : js;
  const rows: Row[] = native.map((s) => {
    const [unit, higherIsBetter] = UNITS[s.metric] ?? ["", true];
    let pytorch: number | null = null,
      pytorchThreads: number | undefined;
    torch.forEach((samples, i) => {
      const v = samples.find((p) => p.metric === s.metric)?.value ?? null;
      if (v !== null && (pytorch === null || better(v, pytorch, higherIsBetter))) {
        pytorch = v;
        pytorchThreads = i + 1;
      }
    });
    const kernoJs = jsSamples.find((p) => p.metric === s.metric)?.value ?? null;
    const ratio = s.value === null || pytorch === null ? null : higherIsBetter ? s.value / pytorch : pytorch / s.value;
    return { workload, metric: s.metric, unit, higherIsBetter, kernoNative: s.value, kernoJs, pytorch, ratio, pytorchThreads };
  });
  if (workload !== "memory") {
    const peak = (samples: Sample[]) => (samples.length ? Math.max(...samples.map((p) => p.peakRssMb)) : null);
    const torchPeaks = torch.map(peak).filter((v): v is number => v !== null);
    const pyPeak = torchPeaks.length ? Math.min(...torchPeaks) : null;
    const nativePeak = peak(native)!;
    rows.push({
      workload,
      metric: "peak RSS",
      unit: "MB",
      higherIsBetter: false,
      kernoNative: nativePeak,
      kernoJs: peak(jsSamples),
      pytorch: pyPeak,
      ratio: pyPeak === null ? null : pyPeak / nativePeak,
    });
  }
  return rows;
}

function fmt(v: number | null, unit: string): string {
  if (v === null) return "-";
  if (unit === "s/epoch") return v.toFixed(3);
  if (unit === "%") return v.toFixed(1);
  return v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(1);
}

export function formatTable(rows: Row[], pytorchNote: string): string {
  const header = ["workload", "metric", "unit", "kerno-native", "kerno-js", `pytorch${pytorchNote}`, "ratio"];
  const body = rows.map((r) => [
    r.workload,
    r.metric,
    r.unit,
    fmt(r.kernoNative, r.unit),
    fmt(r.kernoJs, r.unit),
    r.pytorch === null ? "-" : `${fmt(r.pytorch, r.unit)}${r.pytorchThreads ? ` (${r.pytorchThreads}t)` : ""}`,
    r.ratio === null ? "-" : `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

export function runBench(args: string[]): number {
  const json = args.includes("--json");
  const secondsAt = args.indexOf("--seconds");
  const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : 3;
  const named = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--seconds");
  for (const w of named) if (!(WORKLOADS as readonly string[]).includes(w)) throw new Error(`bench: unknown workload '${w}'; known: ${WORKLOADS.join(", ")}`);
  const workloads = named.length ? named : [...WORKLOADS];
  const withPytorch = pytorchAvailable();
  const log = (s: string) => {
    if (!json) process.stderr.write(`  running ${s}\n`);
  };
  const rows = workloads.flatMap((w) => benchWorkload(w, seconds, withPytorch, log));
  if (json) {
    console.log(JSON.stringify(rows.map(({ pytorchThreads: _t, ...r }) => r)));
  } else {
    console.log(`kerno bench on ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), node ${process.version}`);
    console.log(formatTable(rows, withPytorch ? "" : " (not installed)"));
    console.log("ratio = kerno-native vs PyTorch (best of 1 and 2 threads); above 1 means kerno is better");
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = runBench(process.argv.slice(2));
