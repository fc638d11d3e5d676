/**
 * The ONNX Runtime column of `npm run bench`: the workload's PyTorch model exported to ONNX
 * (bench/pytorch_bench.py export-onnx), run by onnxruntime-node on the CPU execution provider
 * with `threads` intra-op threads. Prints one JSON line per metric, as the other workers do.
 * Usage: node --conditions=kerno-source --import tsx bench/onnx-runtime.ts <mnist-cnn|vgg16> <threads> [seconds]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";

/** The metrics ONNX Runtime answers for, with their batch and one sample's NCHW shape. */
export const ONNX_METRICS: Record<string, { metric: string; batch: number; shape: number[] }[]> = {
  "mnist-cnn": [{ metric: "inference, batch 1024", batch: 1024, shape: [1, 28, 28] }],
  vgg16: [{ metric: "inference", batch: 8, shape: [3, 224, 224] }],
};

async function main(): Promise<void> {
  const [workload, threadsArg, secondsArg] = process.argv.slice(2);
  const threads = Number(threadsArg ?? 2),
    seconds = Number(secondsArg ?? 3);
  const cases = ONNX_METRICS[workload];
  if (!cases) throw new Error(`onnx-runtime: no ONNX model for '${workload}' (known: ${Object.keys(ONNX_METRICS).join(", ")})`);
  const dir = mkdtempSync(join(tmpdir(), "kerno-onnx-"));
  try {
    const file = join(dir, `${workload}.onnx`);
    const script = fileURLToPath(new URL("./pytorch_bench.py", import.meta.url));
    const r = spawnSync("/usr/bin/python3", [script, "export-onnx", workload, file], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`exporting ${workload} to ONNX failed: ${r.stderr.trim().split("\n").slice(-1)[0]}`);
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ["cpu"] });
    for (const { metric, batch, shape } of cases) {
      const size = batch * shape.reduce((a, b) => a * b, 1);
      const x = new ort.Tensor(
        "float32",
        Float32Array.from({ length: size }, (_, i) => Math.sin(i)),
        [batch, ...shape],
      );
      const run = () => session.run({ x });
      await run();
      await run();
      let steps = 0;
      const start = performance.now();
      while (performance.now() - start < seconds * 1000 || steps < 2) {
        await run();
        steps++;
      }
      const value = (batch * steps) / ((performance.now() - start) / 1000);
      console.log(JSON.stringify({ metric, value, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
