/**
 * initDistributed(): this process's place in an MPI job (rank, size), through the optional MPI
 * part of the addon (build/Release/kerno_mpi.node, built when MPI's headers were present at
 * install). Collectives take typed arrays in place and carry a deadline: a rank that died or hung
 * becomes an error naming the operation, and the job is ended (MPI_Abort) so no rank waits forever.
 * Outside mpirun a process is rank 0 of 1.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

interface MpiAddon {
  init(): { rank: number; size: number; localRank: number; localSize: number; library: string };
  allreduceSum(data: Float32Array | Float64Array, timeoutMs: number, what: string): void;
  broadcast(data: Float32Array | Float64Array | Int32Array, root: number, timeoutMs: number, what: string): void;
  barrier(timeoutMs: number, what: string): void;
  abort(code: number): void;
  finalize(): void;
}

export interface Distributed {
  readonly rank: number;
  readonly size: number;
  /** Rank and count of this machine's processes. */
  readonly localRank: number;
  readonly localSize: number;
  /** The MPI library (its version string). */
  readonly library: string;
  /** Seconds every collective may wait for the other ranks. */
  readonly timeoutSeconds: number;
  /** Element-wise sum over all ranks, in place. */
  allreduceSum(data: Float32Array | Float64Array, what: string): void;
  /** Rank `root`'s values into every rank's array. */
  broadcast(data: Float32Array | Float64Array | Int32Array, what: string, root?: number): void;
  barrier(what: string): void;
}

export interface DistributedOptions {
  /** Seconds a collective may wait before the job is ended with an error (default KERNO_DIST_TIMEOUT or 300). */
  timeoutSeconds?: number;
}

/** Where node-gyp puts the MPI part of the addon, from src/distributed or dist/distributed. */
export const mpiAddonPath = () => fileURLToPath(new URL("../../build/Release/kerno_mpi.node", import.meta.url));

let joined: Distributed | null = null;

function loadMpi(): MpiAddon {
  const path = mpiAddonPath();
  if (!existsSync(path)) {
    throw new Error(
      `kerno distributed: unavailable, kerno was built without MPI (${path} is missing). Install MPI's headers ` +
        "(Debian/Ubuntu: apt-get install libopenmpi-dev openmpi-bin) and rebuild the addon (npm rebuild @kerno/node).",
    );
  }
  return createRequire(import.meta.url)(path) as MpiAddon;
}

/** Whether this kerno has the MPI part of its addon. */
export const distributedAvailable = () => existsSync(mpiAddonPath());

/** Joins the MPI job (once; later calls return the same object). */
export function initDistributed(options: DistributedOptions = {}): Distributed {
  if (joined) return joined;
  const mpi = loadMpi();
  const who = mpi.init();
  const timeoutSeconds = options.timeoutSeconds ?? (Number(process.env.KERNO_DIST_TIMEOUT) || 300);
  const ms = timeoutSeconds * 1000;
  // any failed collective ends the whole job: the others would otherwise wait at their next one
  const guarded = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      console.error(`rank ${who.rank} of ${who.size}: ${(err as Error).message}`);
      mpi.abort(1);
      throw err;
    }
  };
  process.on("exit", (code) => {
    if (code === 0) mpi.finalize();
  });
  joined = {
    ...who,
    library: who.library.replace(/\0+$/, ""),
    timeoutSeconds,
    allreduceSum: (data, what) => guarded(() => mpi.allreduceSum(data, ms, what)),
    broadcast: (data, what, root = 0) => guarded(() => mpi.broadcast(data, root, ms, what)),
    barrier: (what) => guarded(() => mpi.barrier(ms, what)),
  };
  return joined;
}
