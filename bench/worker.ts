/**
 * One benchmark workload on one kerno backend, in its own process so that its peak resident
 * memory is its own. Prints one JSON line per metric: { metric, value, peakRssMb }.
 * Usage: node --conditions=kerno-source --import tsx bench/worker.ts <workload> <native|js> [seconds]
 */
import { setBackend } from "../src/index.js";
import { courseWorkloads } from "./workloads/course.js";
import { imageWorkloads } from "./workloads/images.js";
import { interpretWorkloads } from "./workloads/interpret.js";
import { kernelWorkloads } from "./workloads/kernels.js";
import { mixedWorkloads } from "./workloads/mixed.js";

const [workload, backendName, secondsArg] = process.argv.slice(2);
setBackend(backendName);
const all = { ...kernelWorkloads, ...courseWorkloads, ...imageWorkloads, ...interpretWorkloads, ...mixedWorkloads };
const run = all[workload];
if (!run) {
  console.error(`unknown workload '${workload}'; known: ${Object.keys(all).join(", ")}`);
  process.exit(2);
}
await run({ backendName, seconds: Number(secondsArg ?? 3) });
