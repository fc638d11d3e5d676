/**
 * One process of the data-parallel tests (run under mpirun, or alone for the reference):
 *   worker.ts <out.bin> <batchSize> <distributed 0|1> [hang|die]
 * trains a small CNN on fixed random data for 20 steps and (rank 0) writes its weights to out.bin.
 * With hang or die, rank 1 stops taking part after the first fit (sleeps, or kills itself) while
 * rank 0 starts a second fit: rank 0 must stop with an error, not wait.
 */
import { writeFileSync } from "node:fs";
import { Conv2D, Dense, Flatten, Input, MaxPooling2D, randomNormal, Sequential, setSeed, tensor } from "@kerno/core";
import { dataParallel } from "../../src/distributed/data-parallel.js";
import { initDistributed } from "../../src/distributed/mpi.js";

const [out, batchArg, distArg, fault] = process.argv.slice(2);
const batchSize = Number(batchArg);
const distributed = distArg === "1";
const timeoutSeconds = fault ? 3 : 60;
const rank = distributed ? initDistributed({ timeoutSeconds }).rank : 0;

// rank 1 starts from other weights: the broadcast from rank 0 must make them equal
setSeed(7 + rank);
const n = 1280; // 20 global batches of 64
const x = randomNormal([n, 12, 12, 1], 0, 1, { seed: 11 });
const y = tensor(
  Int32Array.from({ length: n }, (_, i) => (i * 7919) % 10),
  [n],
  "int32",
);
const model = new Sequential([
  Input({ shape: [12, 12, 1] }),
  new Conv2D({ filters: 8, kernelSize: 3, activation: "relu" }),
  new MaxPooling2D({ poolSize: 2 }),
  new Flatten(),
  new Dense({ units: 16, activation: "relu" }),
  new Dense({ units: 10, activation: "softmax" }),
]);
model.compile({ optimizer: "rmsprop", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
const history = await model.fit(x, y, { epochs: 1, batchSize, seed: 3, verbose: 0, strategy: distributed ? dataParallel({ timeoutSeconds }) : undefined });

if (fault && rank === 1) {
  if (fault === "die") process.kill(process.pid, "SIGKILL");
  await new Promise((r) => setTimeout(r, 120_000));
}
if (fault) await model.fit(x, y, { epochs: 1, batchSize, verbose: 0, strategy: dataParallel({ timeoutSeconds }) });

if (rank === 0) {
  const all = model.weights.flatMap((w) => Array.from(w.values as Float32Array));
  writeFileSync(out, Buffer.from(Float32Array.from(all).buffer));
  writeFileSync(`${out}.json`, JSON.stringify(history.history));
}
