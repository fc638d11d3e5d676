/**
 * `npm run bench` / `kerno bench [workload ...] [--json] [--seconds N] [--save]`: each workload on
 * kerno-native, kerno-js, PyTorch (1 and 2 threads, the faster counts) and, for inference,
 * ONNX Runtime, side by side in one run, each in its own process (so peak resident memory is per
 * workload). Prints a table with ratios, or with --json the run as one JSON object. --save writes the
 * same object (the rows with the machine profile, the load averages, the versions and the date) under bench/results/
 * (`npm run bench:readme` puts the newest into docs/performance.md). The workload "browser" is the
 * browser section (bench/browser/section.ts): kerno-wasm in Chromium against TensorFlow.js and
 * ONNX Runtime Web, with its own table; "webgpu" the webgpu section (bench/webgpu/section.ts): kerno
 * on WebGPU against TensorFlow.js's WebGPU backend in Chromium, skipped without a real GPU adapter.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadAddon } from "@kerno/node/backends/native/index.js";
import { machineProfile } from "@kerno/node/backends/native/profile.js";
import { dataDir } from "@kerno/node/data/cache.js";
import { checkoutDataDir } from "../scripts/data-dir.mjs";
import { describeMachine, startMachineRecord } from "./machine.js";
import { ONNX_METRICS } from "./onnx-runtime.js";
import { type SavedRun, saveRun } from "./results.js";
import { type BrowserRun, makeRows, type Row, type Sample, type WebGpuRun } from "./rows.js";
import { browserBlock, formatTable, webgpuBlock } from "./table.js";

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
  "webgpu",
] as const;

/** The workloads that are sections of their own, each in one process with its own table. */
const SECTIONS = ["browser", "webgpu"];

/** PyTorch's thread counts per workload: the course run with 1 thread takes minutes longer (measured), so only 2. */
const PYTORCH_THREADS: Record<string, number[]> = { "course-mnist-cnn": [2] };

export const POLICY =
  "Training runs through model.fit on pools of distinct batches, reshuffled every epoch, on both sides; kerno does not flush denormals to zero, and PyTorch's training rows on random data (mnist-cnn, mnist-dense, lstm, cats-vs-dogs-cnn, mixed-bfloat16's training, filter-viz) take a second reading with torch.set_flush_denormal(True) and keep the better (marked ftz where that one won); both sides run with glibc's malloc kept from returning large blocks to the system (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_).";

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
  return makeRows(workload, { native, js, torch, torchThreads, onnx });
}

/** The browser section in its own process (its progress on stderr unless quiet); a failure becomes its skip reason, so the other rows survive it. */
export function benchBrowser(seconds: number, quiet: boolean): BrowserRun {
  return sectionProcess("bench/browser/section.ts", seconds, quiet, (skipped): BrowserRun => ({ skipped, notes: [], rows: [] }));
}

/** The webgpu section likewise (bench/webgpu/section.ts); KERNO_BENCH_WEBGPU_SOFTWARE and KERNO_BENCH_WEBGPU_FLAGS reach it. */
export function benchWebGpu(seconds: number, quiet: boolean): WebGpuRun {
  return sectionProcess("bench/webgpu/section.ts", seconds, quiet, (skipped): WebGpuRun => ({ skipped, notes: [], rows: [] }));
}

/** A section's script in its own process: the run it prints as its last line, or `failed` with why there is none. */
function sectionProcess<R>(script: string, seconds: number, quiet: boolean, failed: (why: string) => R): R {
  const r = spawnSync(process.execPath, ["--conditions=kerno-source", "--import", "tsx", script, String(seconds)], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...ALLOCATOR_ENV },
    maxBuffer: 1 << 24,
    stdio: ["ignore", "pipe", quiet ? "pipe" : "inherit"],
  });
  const last = r.stdout?.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !last.startsWith("{")) {
    const why = (r.stderr || last || `exit ${r.status}`).trim().split("\n").slice(-1)[0];
    return failed(`failed (${why || `exit ${r.status}`})`);
  }
  return JSON.parse(last) as R;
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
  // kerno's workers and PyTorch's script read the same data folder (as `npm start` and the tests
  // find it): without this, one side could find the data sets and the other run nothing
  process.env.KERNO_DATA_DIR = checkoutDataDir() ?? dataDir();
  const torchVersion = pytorchVersion();
  const ortVersion = torchVersion ? onnxRuntimeVersion() : null;
  // the load before anything of the run's own, then the machine profile (measured here at first use, about 1 s)
  const machine = startMachineRecord({ loadavg, profile: () => machineProfile(), isa: isaOf, versions: { pytorch: torchVersion, onnxRuntime: ortVersion } });
  const loadStart = machine.record.loadStart;
  const log = (s: string) => {
    if (!json) process.stderr.write(`  running ${s}\n`);
  };
  if (!json) process.stderr.write(`load average at the start: ${loadStart.toFixed(2)}${loadStart >= 0.3 ? " (above 0.3: timings will be noisy)" : ""}\n`);
  const rows = workloads.filter((w) => !SECTIONS.includes(w)).flatMap((w) => benchWorkload(w, seconds, torchVersion !== null, ortVersion !== null, log));
  const browser = workloads.includes("browser") ? benchBrowser(seconds, json) : undefined;
  const webgpu = workloads.includes("webgpu") ? benchWebGpu(seconds, json) : undefined;
  const run: SavedRun = {
    date: new Date().toISOString(),
    machine: machine.finish(),
    seconds,
    policy: POLICY,
    rows,
    ...(browser ? { browser } : {}),
    ...(webgpu ? { webgpu } : {}),
  };
  if (save) process.stderr.write(`saved to ${saveRun(run)}\n`);
  if (json) {
    if (browser?.skipped) process.stderr.write(`bench: ${browserBlock(browser)}\n`);
    if (webgpu?.skipped) process.stderr.write(`bench: ${webgpuBlock(webgpu)}\n`);
    console.log(JSON.stringify(run));
  } else {
    console.log(
      `kerno bench on ${describeMachine(run.machine)}; node ${process.version}; load average ${loadStart.toFixed(2)} -> ${run.machine.loadEnd.toFixed(2)}`,
    );
    if (rows.length) {
      console.log(formatTable(rows, torchVersion ? "" : " (not installed)"));
      console.log("ratio = kerno-native vs PyTorch (best of 1 and 2 threads) or ONNX Runtime; above 1 means kerno is better");
      console.log(POLICY);
    }
    if (browser) console.log(`\n${browserBlock(browser)}`);
    if (webgpu) console.log(`\n${webgpuBlock(webgpu)}`);
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
