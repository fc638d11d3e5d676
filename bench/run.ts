/**
 * `npm run bench` / `kerno bench [workload ...] [--json] [--seconds N] [--save]`: each workload on
 * kerno-native, kerno-js, PyTorch (1 and 2 threads, the faster counts) and, for inference,
 * ONNX Runtime, side by side in one run, each in its own process (so peak resident memory is per
 * workload). Prints a table with ratios, or with --json one JSON array of rows. --save writes the
 * run, with the machine, its load average, the versions and the date, under bench/results/
 * (`npm run bench:readme` puts the newest into docs/performance.md). The workload "browser" is the
 * browser section (bench/browser/section.ts): kerno-wasm in Chromium against TensorFlow.js and
 * ONNX Runtime Web, with its own table.
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadAddon } from "@kerno/node/backends/native/index.js";
import { ONNX_METRICS } from "./onnx-runtime.js";
import { saveRun } from "./results.js";
import { type BrowserRun, best, type Row, ratioOf, type Sample, UNITS } from "./rows.js";
import { browserBlock, formatTable } from "./table.js";

export const WORKLOADS = [
  "sgemm",
  "mnist-cnn",
  "mnist-dense",
  "course-mnist-cnn",
  "lstm",
  "vgg16",
  "mixed-bfloat16",
  "cats-vs-dogs-cnn",
  "image-folder",
  "tiny-darknet",
  "one-pixel",
  "filter-viz",
  "memory",
  "browser",
] as const;

/** PyTorch's thread counts per workload: the course run with 1 thread takes minutes longer (measured), so only 2. */
const PYTORCH_THREADS: Record<string, number[]> = { "course-mnist-cnn": [2] };

export const POLICY =
  "Training runs through model.fit on pools of distinct batches, reshuffled every epoch, on both sides; neither side flushes denormals to zero; both sides run with glibc's malloc kept from returning large blocks to the system (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_).";

/** glibc's default malloc maps and unmaps every large buffer: PyTorch's MNIST CNN training step measured 35-55 ms
 * with it and 20 ms without, depending on what ran before in the process. kerno's addon sets the same with mallopt
 * when it loads; the environment gives PyTorch the same. */
const ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: "4294967296", MALLOC_TRIM_THRESHOLD_: "4294967296" };

const root = fileURLToPath(new URL("..", import.meta.url));
const PYTHON = "/usr/bin/python3";

function parse(stdout: string): Sample[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Sample);
}

function spawn(cmd: string, args: string[], env: NodeJS.ProcessEnv, who: string): Sample[] {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env: { ...process.env, ...ALLOCATOR_ENV, ...env }, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${who}: ${(r.stderr || r.stdout || `exit ${r.status}`).trim().split("\n").slice(-1)[0]}`);
  return parse(r.stdout);
}

function version(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

export const pytorchVersion = () => version(PYTHON, ["-c", "import torch; print(torch.__version__)"]);
export const onnxRuntimeVersion = () => version(process.execPath, ["-e", "console.log(require('onnxruntime-node').env.versions.common)"]);

// OpenBLAS and OpenMP ignore torch.set_num_threads: pin every pool to the same count
const threadEnv = (t: number) => ({ OMP_NUM_THREADS: String(t), OPENBLAS_NUM_THREADS: String(t), MKL_NUM_THREADS: String(t) });

export function benchWorkload(workload: string, seconds: number, withPytorch: boolean, withOnnx: boolean, log: (s: string) => void): Row[] {
  const kerno = (b: string) => {
    log(`${workload}: kerno-${b}`);
    return spawn(
      process.execPath,
      ["--conditions=kerno-source", "--import", "tsx", "bench/worker.ts", workload, b, String(seconds)],
      { KERNO_BACKEND: b },
      `kerno-${b} ${workload}`,
    );
  };
  const native = kerno("native");
  let js: Sample[] = [];
  try {
    js = kerno("js");
  } catch (err) {
    log(`${workload}: kerno-js failed (${(err as Error).message})`);
  }
  const torchThreads = withPytorch && workload !== "memory" ? (PYTORCH_THREADS[workload] ?? [1, 2]) : [];
  const torch = torchThreads.map((t) => {
    log(`${workload}: pytorch, ${t} thread(s)`);
    return spawn(PYTHON, ["bench/pytorch_bench.py", workload, String(t), String(seconds)], threadEnv(t), `PyTorch ${workload}`);
  });
  const onnx =
    withOnnx && ONNX_METRICS[workload]
      ? [1, 2].map((t) => {
          log(`${workload}: onnx runtime, ${t} thread(s)`);
          return spawn(
            process.execPath,
            ["--conditions=kerno-source", "--import", "tsx", "bench/onnx-runtime.ts", workload, String(t), String(seconds)],
            {},
            `ONNX Runtime ${workload}`,
          );
        })
      : [];
  const rows: Row[] = native.map((s) => {
    const [unit, higherIsBetter] = UNITS[s.metric] ?? ["", true];
    const py = best(torch, s.metric, higherIsBetter);
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
    };
    const ort = best(onnx, s.metric, higherIsBetter);
    if (ort.value !== null) Object.assign(row, { onnxRuntime: ort.value, ratioOnnx: ratioOf(s.value, ort.value, higherIsBetter) });
    return row;
  });
  if (workload !== "memory") {
    const peak = (samples: Sample[]) => (samples.length ? Math.max(...samples.map((p) => p.peakRssMb)) : null);
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

/** The browser section in its own process (its progress on stderr unless quiet); a failure becomes its skip reason, so the other rows survive it. */
export function benchBrowser(seconds: number, quiet: boolean): BrowserRun {
  const r = spawnSync(process.execPath, ["--conditions=kerno-source", "--import", "tsx", "bench/browser/section.ts", String(seconds)], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...ALLOCATOR_ENV },
    maxBuffer: 1 << 24,
    stdio: ["ignore", "pipe", quiet ? "pipe" : "inherit"],
  });
  const last = r.stdout?.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !last.startsWith("{")) {
    const why = (r.stderr || last || `exit ${r.status}`).trim().split("\n").slice(-1)[0];
    return { skipped: `failed (${why || `exit ${r.status}`})`, notes: [], rows: [] };
  }
  return JSON.parse(last) as BrowserRun;
}

function isaOf(): string {
  try {
    return loadAddon().info().isa;
  } catch {
    return "no native addon";
  }
}

export function runBench(args: string[]): number {
  const json = args.includes("--json");
  const save = args.includes("--save");
  const secondsAt = args.indexOf("--seconds");
  const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : 3;
  const named = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--seconds");
  for (const w of named) if (!(WORKLOADS as readonly string[]).includes(w)) throw new Error(`bench: unknown workload '${w}'; known: ${WORKLOADS.join(", ")}`);
  const workloads = named.length ? named : [...WORKLOADS];
  const loadStart = loadavg()[0];
  const torchVersion = pytorchVersion();
  const ortVersion = torchVersion ? onnxRuntimeVersion() : null;
  const log = (s: string) => {
    if (!json) process.stderr.write(`  running ${s}\n`);
  };
  if (!json) process.stderr.write(`load average at the start: ${loadStart.toFixed(2)}${loadStart >= 0.3 ? " (above 0.3: timings will be noisy)" : ""}\n`);
  const rows = workloads.filter((w) => w !== "browser").flatMap((w) => benchWorkload(w, seconds, torchVersion !== null, ortVersion !== null, log));
  const browser = workloads.includes("browser") ? benchBrowser(seconds, json) : undefined;
  const loadEnd = loadavg()[0];
  if (save) {
    const cpu = cpus()[0]?.model ?? "unknown CPU";
    const machine = { cpu, cores: cpus().length, isa: isaOf(), node: process.version, pytorch: torchVersion, onnxRuntime: ortVersion, loadStart, loadEnd };
    const path = saveRun({ date: new Date().toISOString(), machine, seconds, policy: POLICY, rows, ...(browser ? { browser } : {}) });
    process.stderr.write(`saved to ${path}\n`);
  }
  if (json) {
    if (browser?.skipped) process.stderr.write(`bench: ${browserBlock(browser)}\n`);
    console.log(JSON.stringify([...rows.map(({ pytorchThreads: _t, ...r }) => r), ...(browser?.rows ?? [])]));
  } else {
    console.log(
      `kerno bench on ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), node ${process.version}; load average ${loadStart.toFixed(2)} -> ${loadEnd.toFixed(2)}`,
    );
    if (rows.length) {
      console.log(formatTable(rows, torchVersion ? "" : " (not installed)"));
      console.log("ratio = kerno-native vs PyTorch (best of 1 and 2 threads) or ONNX Runtime; above 1 means kerno is better");
      console.log(POLICY);
    }
    if (browser) console.log(`\n${browserBlock(browser)}`);
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = runBench(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`kerno ${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
