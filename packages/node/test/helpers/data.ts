/**
 * The data folder the tests read, resolved once as `npm start` and the library resolve it
 * (KERNO_DATA_DIR, else ../shared/datasets beside the checkout, else ~/.kerno/datasets). Loading
 * this module puts that folder in KERNO_DATA_DIR, so the library and every CLI process a test
 * spawns read the same files; a test whose files are not there skips and says which.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dataDir } from "../../src/data/cache.js";

/** KERNO_DATA_DIR when set, else the shared data sets in a folder above the checkout (shared/datasets). */
function checkoutDataDir(): string | undefined {
  if (process.env.KERNO_DATA_DIR?.trim()) return process.env.KERNO_DATA_DIR;
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const shared = join(dir, "shared", "datasets");
    if (existsSync(shared)) return shared;
  }
  return undefined;
}

const found = checkoutDataDir();
if (found) process.env.KERNO_DATA_DIR = found;

/** The data folder, absolute. */
export const DATA_DIR: string = resolve(dataDir());

/** A path inside the data folder. */
export const dataPath = (...parts: string[]): string => join(DATA_DIR, ...parts);

/** false when every file is in the data folder; otherwise the reason to skip, naming the first one missing. */
export function needsData(what: string, ...files: string[]): false | string {
  const missing = files.find((f) => !existsSync(join(DATA_DIR, f)));
  return missing === undefined ? false : `${what} not in the data folder (${join(DATA_DIR, missing)} is missing; set KERNO_DATA_DIR)`;
}
