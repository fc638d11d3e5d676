/**
 * The writers of other frameworks' formats behind Model.save("x.keras") and Model.export("x.onnx").
 * They live in src/interop, a floor above models (they read and write files, zip and protobuf,
 * and import Model), so Model cannot import them: the package entry (src/index.ts) hands them to
 * registerModelWriters when kerno is imported, and Model finds them here. Kerno's own format
 * (models/save.ts) needs no writer from above.
 */
import type { Model } from "./model.js";

export interface ModelWriters {
  /** Keras 3's .keras archive (src/interop/keras-save.ts), complete when the promise resolves. */
  keras: (model: Model, path: string) => Promise<void>;
  /** ONNX (src/interop/onnx-export.ts); returns the path written. */
  onnx: (model: Model, path: string) => string;
}

const writers: Partial<ModelWriters> = {};

export function registerModelWriters(given: Partial<ModelWriters>): void {
  Object.assign(writers, given);
}

/** The registered writer of `format`, or an error that says how to get one. */
export function modelWriter<K extends keyof ModelWriters>(format: K, who: string): ModelWriters[K] {
  const writer = writers[format];
  if (!writer) {
    throw new Error(
      `${who}: writing ${format === "keras" ? "a .keras archive" : "ONNX"} needs kerno's interop, which importing "kerno" (src/index.ts) registers; ` +
        `nothing registered a ${format} writer (registerModelWriters in src/models/writers.ts)`,
    );
  }
  return writer;
}
