/**
 * `npm run bench:distributed`: data-parallel training over MPI on this machine. Measures the
 * course's MNIST CNN through model.fit (global batch 64: one process with every core, against
 * mpirun -np 2 with one thread per rank and batch 32 each), and MPI_Allreduce's time per size,
 * from which it projects the step time at more ranks (ring allreduce: each rank sends and receives
 * 2(p-1)/p of the gradients). Run it on a quiet machine; it prints a table, or JSON with --json.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { dataParallel } from "@kerno/node/distributed/data-parallel.js";
import { initDistributed } from "@kerno/node/distributed/mpi.js";
import { randomNormal, setSeed, tensor } from "../src/index.js";
import { mnistCnnModel } from "../src/recipes/mnist-models.js";

const STEPS = 150;
const GLOBAL_BATCH = 64;

/** Images per second of the second epoch of fit (the first warms up). */
async function fitThroughput(distributed: boolean): Promise<{ imagesPerSecond: number; stepMs: number }> {
  setSeed(1);
  const n = STEPS * GLOBAL_BATCH;
  const x = randomNormal([n, 28, 28, 1], 0.5, 0.3, { seed: 2 });
  const y = tensor(
    Int32Array.from({ length: n }, (_, i) => i % 10),
    [n],
    "int32",
  );
  const model = mnistCnnModel();
  model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  let began = 0,
    seconds = 0;
  const size = distributed ? initDistributed().size : 1;
  await model.fit(x, y, {
    epochs: 2,
    batchSize: GLOBAL_BATCH / size,
    seed: 3,
    verbose: 0,
    strategy: distributed ? dataParallel() : undefined,
    callbacks: [
      {
        onEpochBegin: () => {
          began = performance.now();
        },
        onEpochEnd: () => {
          seconds = (performance.now() - began) / 1000;
        },
      },
    ],
  });
  return { imagesPerSecond: n / seconds, stepMs: (1000 * seconds) / STEPS };
}

/** Median milliseconds of an allreduce of `mb` megabytes of floats. */
function allreduceMs(mb: number): number {
  const comm = initDistributed();
  const data = new Float32Array(Math.round((mb * 2 ** 20) / 4)).fill(1);
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    comm.barrier("bench barrier");
    const t0 = performance.now();
    comm.allreduceSum(data, "bench allreduce");
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const SIZES_MB = [0.4, 1, 4, 16];
const here = fileURLToPath(import.meta.url);

if (process.env.OMPI_COMM_WORLD_SIZE || process.env.PMI_SIZE) {
  const fit = await fitThroughput(true);
  const allreduce = SIZES_MB.map((mb) => ({ mb, ms: allreduceMs(mb) }));
  if (initDistributed().rank === 0) console.log(JSON.stringify({ fit, allreduce, library: initDistributed().library }));
} else {
  const load = loadavg()[0];
  const single = await fitThroughput(false);
  const env = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: "1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: "1" };
  const r = spawnSync("mpirun", ["-np", "2", process.execPath, "--conditions=kerno-source", "--import", "tsx", here], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mpirun failed (${r.status}): ${r.stderr}`);
  const two = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  // the course CNN's gradients; the allreduce time per MB from the largest size (bandwidth-bound),
  // the fixed part from the gradients' own size; compute is what the 2-rank step spends besides
  const gradMb = (mnistCnnModel().countParams() * 4) / 2 ** 20;
  const perMb = two.allreduce.at(-1).ms / two.allreduce.at(-1).mb;
  const latencyMs = Math.max(0, two.allreduce[0].ms - gradMb * perMb);
  const computeMs = two.fit.stepMs - two.allreduce[0].ms;
  const projected = [2, 4, 8, 16].map((p) => {
    const stepMs = computeMs + latencyMs * Math.log2(p) + ((2 * (p - 1)) / p) * gradMb * perMb;
    return { ranks: p, stepMs, imagesPerSecond: (1000 * p * (GLOBAL_BATCH / 2)) / stepMs, efficiency: (computeMs + two.allreduce[0].ms) / stepMs };
  });
  const result = { load, single, twoRanks: two.fit, allreduce: two.allreduce, gradMb, perMb, projected, library: two.library };
  if (process.argv.includes("--json")) console.log(JSON.stringify(result));
  else {
    console.log(`load average at start ${load.toFixed(2)}; ${two.library}`);
    console.log(
      `mnist-cnn fit, global batch 64: 1 process ${single.imagesPerSecond.toFixed(0)} img/s (${single.stepMs.toFixed(1)} ms/step); 2 ranks x 1 thread ${two.fit.imagesPerSecond.toFixed(0)} img/s (${two.fit.stepMs.toFixed(1)} ms/step)`,
    );
    for (const a of two.allreduce) console.log(`allreduce ${a.mb} MB: ${a.ms.toFixed(3)} ms (${(a.ms / a.mb).toFixed(3)} ms/MB)`);
    for (const p of projected)
      console.log(
        `projected ${p.ranks} ranks x batch 32: ${p.stepMs.toFixed(2)} ms/step, ${p.imagesPerSecond.toFixed(0)} img/s (scaling efficiency vs 2 ranks ${(100 * p.efficiency).toFixed(1)}%)`,
      );
    console.log(`(projection: this machine's shared-memory allreduce, ${perMb.toFixed(3)} ms/MB; a network's is slower: scale by its time per MB)`);
  }
}
