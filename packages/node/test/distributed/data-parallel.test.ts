/**
 * Data-parallel training over MPI: two ranks with batch 32 each end with the weights of one
 * process with batch 64 (same initial weights, same data order), and a rank that dies or hangs
 * stops the job with an error instead of a hang. Skips only where mpirun is missing (.ci/run
 * installs Open MPI); the sharding and bucketing run everywhere against an in-process stand-in.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { randomNormal, tensor } from "@kerno/core";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { DataParallel } from "../../src/distributed/data-parallel.js";
import { type Distributed, distributedAvailable } from "../../src/distributed/mpi.js";

const hasMpirun = spawnSync("mpirun", ["--version"]).status === 0;
const worker = fileURLToPath(new URL("./worker.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));
const env = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: "1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: "1", OMPI_MCA_rmaps_base_oversubscribe: "1" };
const run = (args: string[], mpi: boolean) =>
  spawnSync(
    mpi ? "mpirun" : process.execPath,
    mpi
      ? ["-np", "2", process.execPath, "--conditions=kerno-source", "--import", "tsx", worker, ...args]
      : ["--conditions=kerno-source", "--import", "tsx", worker, ...args],
    {
      cwd: root,
      env,
      encoding: "utf8",
      timeout: 120_000,
    },
  );

/** A stand-in for an MPI job of `size` ranks whose others hold the same values as this one. */
function fakeComm(rank: number, size: number): Distributed & { calls: number } {
  const comm = {
    rank,
    size,
    localRank: rank,
    localSize: size,
    library: "fake",
    timeoutSeconds: 1,
    calls: 0,
    allreduceSum(data: Float32Array | Float64Array) {
      comm.calls++;
      for (let i = 0; i < data.length; i++) data[i] *= size;
    },
    broadcast() {
      comm.calls++;
    },
    barrier() {},
  };
  return comm;
}

test("shards split a global batch into contiguous parts differing by at most one row", () => {
  const rows = Array.from({ length: 10 }, (_, i) => i);
  const parts = [0, 1, 2].map((r) => new DataParallel(fakeComm(r, 3)).shard(rows));
  assert.deepEqual(parts, [
    [0, 1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);
  assert.deepEqual(new DataParallel(fakeComm(1, 2)).shard([5]), []);
});

test("gradients are weighted by each shard's rows and reduced in buckets, values in place", () => {
  const comm = fakeComm(0, 2);
  const dp = new DataParallel(comm);
  const big = randomNormal([1100, 1000], 0, 1, { seed: 1 }); // over one 4 MB bucket
  const small = tensor([1, 2, 3]);
  const [g1, g2] = dp.averageGradients([big, small], 3, 6);
  // weight 3/6, then summed over two identical ranks: the same values back
  assert.deepEqual(Array.from(g2.values), [1, 2, 3]);
  assert.equal(g1.values[1_099_999], big.values[1_099_999]);
  assert.equal(g1.values[0], big.values[0]);
  assert.equal(comm.calls, 2);
});

test("two ranks with batch 32 end with the weights of one process with batch 64 (20 steps)", { skip: !hasMpirun && "mpirun is not installed" }, () => {
  assert.ok(distributedAvailable(), "mpirun is here but kerno was built without MPI (build/Release/kerno_mpi.node is missing)");
  const dir = tempDir();
  const one = run([join(dir, "one.bin"), "64", "0"], false);
  assert.equal(one.status, 0, one.stderr);
  const two = run([join(dir, "two.bin"), "32", "1"], true);
  assert.equal(two.status, 0, two.stdout + two.stderr);
  const a = new Float32Array(readFileSync(join(dir, "one.bin")).buffer.slice(0));
  const b = new Float32Array(readFileSync(join(dir, "two.bin")).buffer.slice(0));
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst < 1e-5, `largest weight difference ${worst}`);
  // the logged metrics are the whole data's, not one shard's
  const h1 = JSON.parse(readFileSync(join(dir, "one.bin.json"), "utf8"));
  const h2 = JSON.parse(readFileSync(join(dir, "two.bin.json"), "utf8"));
  assert.equal(h2.accuracy[0], h1.accuracy[0]);
  assert.ok(Math.abs(h2.loss[0] - h1.loss[0]) < 1e-5);
});

test("a rank that hangs or dies stops the job with an error, not a hang", { skip: !hasMpirun && "mpirun is not installed" }, () => {
  const dir = tempDir();
  const started = performance.now();
  const hang = run([join(dir, "h.bin"), "32", "1", "hang"], true);
  assert.notEqual(hang.status, 0);
  assert.match(hang.stderr + hang.stdout, /rank 0 of 2: kerno distributed: .* timed out after 3 s waiting for the other ranks/);
  const die = run([join(dir, "d.bin"), "32", "1", "die"], true);
  assert.notEqual(die.status, 0);
  assert.match(die.stderr + die.stdout, /rank 1 .*exited on signal 9|timed out after 3 s/);
  assert.ok(performance.now() - started < 60_000);
});
