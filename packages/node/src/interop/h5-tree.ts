/**
 * HDF5 files read into plain trees (groups with their attributes, numeric datasets with their
 * values) by a worker thread (h5-worker.mjs). The worker's HDF5 library sees only the file's own
 * bytes, never this machine's files, and a file that makes the library loop is stopped after a
 * time that grows with its size: the worker is terminated and the next read starts a fresh one.
 */
import { Worker } from "node:worker_threads";

export interface H5Dataset {
  kind: "dataset";
  path: string;
  shape: number[];
  /** HDF5's type class: 0 integer, 1 float (the only ones whose values are read). */
  typeClass: number;
  values: ArrayLike<number> | ArrayLike<bigint> | null;
}

export interface H5Group {
  kind: "group";
  path: string;
  attrs: Map<string, unknown>;
  /** In the file's order. */
  children: Map<string, H5Node>;
}

export type H5Node = H5Group | H5Dataset;

export interface H5ReadRequest {
  id: number;
  bytes: Uint8Array;
  maxValueBytes: number;
}

export type H5ReadResult = { id: number; tree: H5Group } | { id: number; error: string };

/**
 * A file's values (or an archive's inflated members) may reach this multiple of its size, plus
 * 1 MiB: Keras stores weights uncompressed, so anything near it is a decompression bomb.
 */
export const MAX_INFLATION = 64;
export const inflationBound = (bytes: number): number => MAX_INFLATION * bytes + 2 ** 20;
/** The library's start (it compiles 4 MB of WebAssembly) is not counted in a read's time. */
const START_TIMEOUT_MS = 120_000;

/** A read's time limit: 3 s, plus 1 s per 20 MB (HDF5 reads hundreds of MB/s). */
export const readTimeoutMs = (bytes: number): number => 3000 + bytes / 20_000;

interface Reader {
  worker: Worker;
  ready: Promise<void>;
}

let reader: Reader | null = null;
let nextId = 0;

/** The worker, started on first use; kept (unreferenced) between reads so that later ones start warm. */
function startReader(): Reader {
  // src/interop/h5-worker.mjs, from src/interop (a checkout) and from dist/interop (the package) alike
  const worker = new Worker(new URL("../../src/interop/h5-worker.mjs", import.meta.url));
  worker.unref();
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the HDF5 reader did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    worker.once("message", () => {
      clearTimeout(timer);
      resolve();
    });
    worker.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  const started: Reader = { worker, ready };
  worker.once("exit", () => {
    if (reader === started) reader = null;
  });
  return started;
}

function stopReader(r: Reader): void {
  if (reader === r) reader = null;
  void r.worker.terminate();
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * The tree of the HDF5 file whose bytes are given (`bytes` is handed to the worker and must not be
 * used afterwards), its values bounded by `maxValueBytes` (default: inflationBound of its size; an
 * archive member passes the archive's). Reads run one at a time, so that a file's time limit counts
 * its own read only and a looping file stops no other. Errors name `who`.
 */
export function readH5Tree(bytes: Uint8Array, who: string, maxValueBytes = inflationBound(bytes.byteLength)): Promise<H5Group> {
  const read = queue.then(() => readOne(bytes, who, maxValueBytes));
  queue = read.catch(() => {});
  return read;
}

async function readOne(bytes: Uint8Array, who: string, maxValueBytes: number): Promise<H5Group> {
  reader ??= startReader();
  const r = reader;
  const size = bytes.byteLength;
  r.worker.ref();
  try {
    await r.ready.catch((err: Error) => {
      stopReader(r);
      throw new Error(`${who}: ${err.message}`);
    });
    const id = ++nextId;
    const limit = readTimeoutMs(size);
    const request: H5ReadRequest = { id, bytes, maxValueBytes };
    const result = await new Promise<H5ReadResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        stopReader(r);
        reject(new Error(`${who}: the HDF5 library did not finish reading the file within ${(limit / 1000).toFixed(0)} s: the file is damaged`));
      }, limit);
      const onMessage = (m: H5ReadResult) => {
        if (m.id !== id) return;
        clearTimeout(timer);
        r.worker.off("message", onMessage);
        r.worker.off("exit", onExit);
        resolve(m);
      };
      const onExit = (code: number) => {
        clearTimeout(timer);
        reject(new Error(`${who}: the HDF5 reader stopped (exit code ${code}) while reading the file`));
      };
      r.worker.on("message", onMessage);
      r.worker.once("exit", onExit);
      r.worker.postMessage(request, bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : []);
    });
    if ("error" in result) throw new Error(`${who}: not a readable HDF5 file (${hdf5Reason(result.error)})`);
    // a large file leaves a large WebAssembly heap behind: give it back
    if (size > 64 * 2 ** 20) stopReader(r);
    return result.tree;
  } finally {
    r.worker.unref();
  }
}

/** The innermost reason of an HDF5 error stack ('truncated file: eof = 1500, ...'), not its 40 lines. */
function hdf5Reason(text: string): string {
  const lines = [...text.matchAll(/#\d+: .* in (\w+\(\)): (.*)/g)];
  return lines.length ? `${lines[lines.length - 1][1]}: ${lines[lines.length - 1][2]}` : text.split("\n")[0];
}

/** The node at `path` (names separated by '/') under `group`, or null. */
export function nodeAt(group: H5Group, path: string): H5Node | null {
  let node: H5Node = group;
  for (const part of path.split("/").filter(Boolean)) {
    if (node.kind !== "group") return null;
    const next: H5Node | undefined = node.children.get(part);
    if (!next) return null;
    node = next;
  }
  return node;
}
