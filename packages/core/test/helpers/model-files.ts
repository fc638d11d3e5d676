/**
 * Model files in @kerno/core's tests, which run without @kerno/node (the package that writes and
 * reads files for users): a plain file writer registered with the core, and .kerno files read back
 * through decodeModel.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { decodeModel, type Model } from "../../src/index.js";
import { registerModelWriters } from "../../src/models/writers.js";

registerModelWriters({ file: (path, bytes) => writeFileSync(path, bytes) });

/** A .kerno file written by model.save(path), decoded. */
export async function loadModel(path: string): Promise<Model> {
  return decodeModel(readFileSync(path), {}, `loadModel: ${path}`);
}
