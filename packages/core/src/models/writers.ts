/**
 * What Model.save(path) and Model.export(path) write through: the writers of other frameworks'
 * formats (.keras, ONNX) and the file system itself. They live above models (src/interop, which
 * reads and writes files, zip and protobuf and imports Model; src/util/files.ts), and the core
 * runs where there is no file system (a browser): src/interop/model-writers.ts hands them to
 * registerModelWriters when the package entry (src/index.ts) or a recipe imports it, and Model
 * finds them here. Kerno's own format is
 * encoded here too (models/save.ts encodeModel); only writing its bytes to a path needs `file`.
 */
import type { Model } from "./model.js";

export interface ModelWriters {
  /** Keras 3's .keras archive (src/interop/keras-save.ts), complete when the promise resolves. */
  keras: (model: Model, path: string) => Promise<void>;
  /** ONNX (src/interop/onnx-export.ts); returns the path written. */
  onnx: (model: Model, path: string) => string;
  /** Writes bytes to a path, atomically (src/util/files.ts writeAtomic). */
  file: (path: string, bytes: Uint8Array) => void;
}

const writers: Partial<ModelWriters> = {};
const WHAT: Record<keyof ModelWriters, string> = { keras: "a .keras archive", onnx: "ONNX", file: "a model file" };

export function registerModelWriters(given: Partial<ModelWriters>): void {
  Object.assign(writers, given);
}

/** The registered writer of `format`, or an error that says how to get one. */
export function modelWriter<K extends keyof ModelWriters>(format: K, who: string): ModelWriters[K] {
  const writer = writers[format];
  if (!writer) {
    throw new Error(
      `${who}: writing ${WHAT[format]} needs ${format === "file" ? "a file system" : "kerno's interop"}, which importing "@kerno/node" (or "kerno") registers; ` +
        `nothing registered a ${format} writer (registerModelWriters in src/models/writers.ts)${format === "file" ? "; encodeModel(model) gives the bytes anywhere" : ""}`,
    );
  }
  return writer;
}
